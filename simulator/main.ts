#!/usr/bin/env node
/**
 * Command-line entry of the controller simulator.
 *
 * Against any Kubernetes API server (e.g. the e2e harness's kube-apiserver with the KubeSphere
 * CRDs and catalog loaded):
 *
 *     node bin/simulator/main.js --kubeconfig /tmp/e2e/kubeconfig [--context c] [--faults faults.yaml]
 *                                [--seed 1] [--time-scale 0.002] [--host-cluster host]
 *                                [--load-catalog [dir]] [--catalog dir] [--members m1,m2]
 *                                [--executor-pods none|withLog]
 *
 * Self-contained (in-memory API server + controller in one process, for CLI tests):
 *
 *     node bin/simulator/main.js --serve [--port 0] [--write-kubeconfig kc.yaml] [--members m1]
 *                                [--ks-version v4.1.3] [--kube-version v1.30.4] [--faults faults.yaml]
 *                                [--catalog dir] [--anonymous] [--executor-pods withLog|none]
 *
 * Catalog: the KubeSphere v4.1.3 catalog shipped with the simulator, or `--catalog <dir>` (a
 * directory of catalog `*.yaml` files; `--load-catalog <dir>` is the same with the load implied).
 * `--serve` always loads it; with `--kubeconfig` only `--load-catalog`/`--catalog` load it.
 *
 * `--anonymous` turns the bearer-token check off: kubectl does not send tokens over plain http,
 * so use it when pointing kubectl at the served kubeconfig (with `--validate=false` for apply,
 * since no OpenAPI is served).
 *
 * It runs until SIGINT/SIGTERM. Log lines go to stdout; the first line with `--serve` is
 * `listening <url>`, and once the watches are established it prints
 * `controller simulator running (...); watching InstallPlans, ...` (the e2e ready marker). A faults file is YAML: `{ faults: [ExecutorFault...], unschedulableClusters: [...],
 * notReadyClusters: [...], unreachableClusters: [...] }` (see `controllerFaults.ts`).
 *
 * Executor pods (`--executor-pods`): with `--serve` the default is `withLog` — a Pod per Job whose
 * helm transcript the in-memory server serves at `pods/<name>/log`. With `--kubeconfig` the default
 * is `none`: a real kube-apiserver without kubelet has no executor pod and no log, and the simulator
 * does not pretend otherwise (only the Jobs' status moves); `withLog` there creates Pods whose log
 * a real API server cannot serve (the transcript is only in the annotation
 * `logs.simulator.kubesphere.io/helm`).
 */
import "../components/nodeVersion"; // first: a clear error on an unsupported Node.js
import * as fs from "node:fs";
import * as k8s from "@kubernetes/client-node";
import { FakeKubeApiServer } from "./apiServer";
import { ControllerSimulator } from "./controller";
import { EXECUTOR_POD_MODES, type ExecutorPods } from "./executor";
import { parseFaultsFile, type FaultsFile } from "./controllerFaults";
import { ApiError } from "./errors";
import { clusterFixture, kubeconfigFor, loadCatalogInto, readCatalog } from "./fixtures";
import { HttpKubeClient, type SimKubeClient } from "./kubeClient";
import { resourceTypeOfObject } from "./resources";
import type { KubeObject } from "./store";

/** Parsed command line. */
export interface MainArgs {
  /** `--kubeconfig`: the API server to run against. */
  kubeconfig?: string;
  /** `--context`: kubeconfig context (default: current). */
  context?: string;
  /** `--faults`: YAML faults file. */
  faults?: string;
  /** `--seed`: Job name suffix seed (default 1). */
  seed: number;
  /** `--time-scale`: real ms per simulated ms. */
  timeScale?: number;
  /** `--host-cluster`: name of the host Cluster object (default `host`). */
  hostCluster: string;
  /** `--load-catalog [dir]`: create the catalog (and Clusters) first. */
  loadCatalog?: string | true;
  /** `--catalog dir`: directory of catalog `*.yaml` files instead of the shipped v4.1.3 catalog. */
  catalog?: string;
  /** `--executor-pods`: `withLog` (default with `--serve`) or `none` (default with `--kubeconfig`). */
  executorPods?: ExecutorPods;
  /** `--members a,b`: member Cluster objects to create. */
  members: string[];
  /** `--serve`: run an in-memory API server too. */
  serve: boolean;
  /** `--port`: port of the served API (default 0 = any). */
  port: number;
  /** `--write-kubeconfig`: where to write the served API's kubeconfig. */
  writeKubeconfig?: string;
  /** `--ks-version`: KubeSphere version served at `/kapis/version`. */
  ksVersion?: string;
  /** `--kube-version`: Kubernetes version served at `/version`. */
  kubeVersion?: string;
  /** `--serve`: accept requests without a bearer token (kubectl sends none over plain http). */
  anonymous: boolean;
}

const USAGE = "usage: main.js (--kubeconfig FILE [--context NAME] | --serve [--port N] [--write-kubeconfig FILE]) "
  + "[--faults FILE] [--seed N] [--time-scale X] [--host-cluster NAME] [--load-catalog [DIR]] [--members a,b] "
  + "[--catalog DIR] [--ks-version V] [--kube-version V] [--anonymous] [--executor-pods withLog|none]";

/** Parses argv (without `node main.js`). Throws with the usage text on errors. */
export function parseArgs(argv: string[]): MainArgs {
  const args: MainArgs = { seed: 1, hostCluster: "host", members: [], serve: false, port: 0, anonymous: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    switch (a) {
      case "--kubeconfig": args.kubeconfig = value(); break;
      case "--context": args.context = value(); break;
      case "--faults": args.faults = value(); break;
      case "--seed": args.seed = Number(value()); break;
      case "--time-scale": args.timeScale = Number(value()); break;
      case "--host-cluster": args.hostCluster = value(); break;
      case "--members": args.members = value().split(",").map((s) => s.trim()).filter((s) => s !== ""); break;
      case "--serve": args.serve = true; break;
      case "--anonymous": args.anonymous = true; break;
      case "--port": args.port = Number(value()); break;
      case "--write-kubeconfig": args.writeKubeconfig = value(); break;
      case "--ks-version": args.ksVersion = value(); break;
      case "--kube-version": args.kubeVersion = value(); break;
      case "--catalog": args.catalog = value(); break;
      case "--executor-pods": {
        const v = value();
        if (!EXECUTOR_POD_MODES.includes(v as ExecutorPods)) throw new Error(`--executor-pods must be one of ${EXECUTOR_POD_MODES.join(", ")}, got "${v}"\n${USAGE}`);
        args.executorPods = v as ExecutorPods;
        break;
      }
      case "--load-catalog":
        args.loadCatalog = argv[i + 1] !== undefined && !argv[i + 1].startsWith("--") ? argv[++i] : true;
        break;
      case "-h": case "--help": throw new Error(USAGE);
      default: throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  if (!args.serve && !args.kubeconfig) throw new Error(`one of --kubeconfig or --serve is required\n${USAGE}`);
  if (!Number.isInteger(args.seed)) throw new Error(`--seed must be an integer\n${USAGE}`);
  if (args.timeScale !== undefined && !(args.timeScale >= 0)) throw new Error(`--time-scale must be a number >= 0\n${USAGE}`);
  if (typeof args.loadCatalog === "string" && args.catalog !== undefined && args.loadCatalog !== args.catalog) {
    throw new Error(`--load-catalog ${args.loadCatalog} and --catalog ${args.catalog} name different directories; give one\n${USAGE}`);
  }
  if (args.catalog !== undefined && !args.serve) args.loadCatalog ??= args.catalog;
  return args;
}

/** The catalog directory asked for, or undefined for the shipped catalog. */
function catalogDir(args: MainArgs): string | undefined {
  return args.catalog ?? (typeof args.loadCatalog === "string" ? args.loadCatalog : undefined);
}

async function createIfMissing(client: SimKubeClient, obj: KubeObject): Promise<void> {
  const type = resourceTypeOfObject(obj);
  if (!type) throw new Error(`cannot load ${obj.apiVersion}/${obj.kind} ${obj.metadata.name}: type not served`);
  try {
    await client.create(type.plural, obj);
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 409)) throw e;
  }
}

async function setClusterCondition(client: SimKubeClient, name: string, type: "Ready" | "Schedulable"): Promise<void> {
  const cluster = await client.get("clusters", name);
  if (!cluster) throw new Error(`faults file names cluster ${name}, which does not exist`);
  const status = (cluster.status ?? {}) as { conditions?: Array<{ type: string; status: string }> };
  const conditions = (status.conditions ?? []).filter((c) => c.type !== type);
  conditions.push({ type, status: "False" });
  await client.update("clusters", { ...cluster, status: { ...status, conditions } });
}

/** Runs the simulator; resolves with a stop function once it is running. */
export async function main(argv: string[], out: (line: string) => void = (l) => console.log(l)): Promise<() => Promise<void>> {
  const args = parseArgs(argv);
  const faults: FaultsFile = args.faults ? parseFaultsFile(fs.readFileSync(args.faults, "utf8")) : {};
  let client: SimKubeClient;
  let server: FakeKubeApiServer | undefined;
  if (args.serve) {
    server = await FakeKubeApiServer.start({
      port: args.port, kapisVersion: args.ksVersion, kubernetesVersion: args.kubeVersion, token: args.anonymous ? null : undefined,
    });
    loadCatalogInto(server.store, { dir: catalogDir(args), members: args.members });
    const kc = kubeconfigFor(server);
    if (args.writeKubeconfig) fs.writeFileSync(args.writeKubeconfig, kc, { mode: 0o600 });
    out(`listening ${server.url}`);
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromString(kc);
    client = new HttpKubeClient(kubeConfig, k8s);
  } else {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(args.kubeconfig!);
    if (args.context) kc.setCurrentContext(args.context);
    client = new HttpKubeClient(kc, k8s);
    if (args.loadCatalog !== undefined) {
      for (const obj of readCatalog(catalogDir(args))) await createIfMissing(client, obj);
      await createIfMissing(client, clusterFixture(args.hostCluster, "host") as unknown as KubeObject);
      for (const m of args.members) await createIfMissing(client, clusterFixture(m, "member") as unknown as KubeObject);
    }
  }
  for (const c of faults.unschedulableClusters ?? []) await setClusterCondition(client, c, "Schedulable");
  for (const c of faults.notReadyClusters ?? []) await setClusterCondition(client, c, "Ready");
  const sim = await ControllerSimulator.start({
    client, mode: "auto", seed: args.seed, timeScale: args.timeScale, hostCluster: args.hostCluster,
    faults: faults.faults, unreachableClusters: faults.unreachableClusters, logger: out,
    executorPods: args.executorPods ?? (args.serve ? "withLog" : "none"),
  });
  // The e2e harness waits for this line (E2E_SIMULATOR_READY_REGEX, e.g. "watching").
  out(`controller simulator running (seed ${args.seed}, ${(faults.faults ?? []).length} fault(s)); watching InstallPlans, Jobs, ExtensionVersions and Clusters`);
  return async () => {
    sim.stop();
    await server?.close();
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then((stop) => {
    const shutdown = (): void => {
      void stop().then(() => process.exit(0));
    };
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
  }, (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  });
}
