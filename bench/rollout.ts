/**
 * Staged rollout cost: the time the package itself adds per wave (`components/rollout/run.ts`),
 * next to applying every cluster at once and awaiting it with the same readiness waiter (baseline,
 * measured in the same run).
 *
 * Setup per run: the simulator API server on loopback with the shared catalog's devops extension,
 * `--clusters` member clusters and the controller simulator in auto mode (simulated step durations ×
 * `--time-scale`). Every InstallPlan change is timestamped from the store's change feed (the API
 * server's own record), so the figures split each wave into
 *
 *   controller  = the wave's placement write → the last of its clusters' entries `Installed`
 *                 (KubeSphere's work: agent Jobs, Helm; not the package's)
 *   package gap = previous wave's last `Installed` → this wave's placement write
 *                 (the package: noticing the wave is done — watch event, executor Job check — and the PATCH)
 *   end gap     = last wave's last `Installed` → runRollout resolved (final check, selector restore)
 *
 *   all at once: the plan created with every cluster placed → waitForInstallPlan resolved
 *   rollout:     the plan created with no cluster placed → runRollout resolved (`--batch-size` per wave)
 *
 *   npx ts-node --transpile-only bench/rollout.ts [--runs 5] [--clusters 6] [--batch-size 2] [--time-scale 0.02]
 */
import * as os from "node:os";
import { performance } from "node:perf_hooks";
import { FakeKubeApiServer } from "../simulator/apiServer";
import { kubeconfigFor, loadCatalogInto } from "../simulator/fixtures";
import { ControllerSimulator } from "../simulator/controller";
import type { ClusterScheduling, InstallPlan } from "../components/kubesphere/types";
import { KubeClient } from "../components/kube/client";
import { loadKubeConfig } from "../components/kube/kubeconfig";
import { expectedInstallPlan } from "../components/readiness/expected";
import { waitForInstallPlan } from "../components/readiness/waiter";
import { clientRolloutApi } from "../components/rollout/kubeApi";
import { runRollout } from "../components/rollout/run";
import { positiveArg } from "./cli";

const NAME = "devops";
const VERSION = "1.1.2";
const CFG = "replicas: 1\n";

const RUNS = positiveArg("runs", 5);
const CLUSTERS = positiveArg("clusters", 6);
const BATCH = positiveArg("batch-size", 2);
const TIME_SCALE = positiveArg("time-scale", 0.02);
const MEMBERS = Array.from({ length: CLUSTERS }, (_, i) => `member${i + 1}`);

function plan(scheduling: ClusterScheduling): InstallPlan {
  return {
    apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: NAME },
    spec: { extension: { name: NAME, version: VERSION }, enabled: true, upgradeStrategy: "Manual", config: CFG, clusterScheduling: scheduling },
  };
}

interface Env {
  server: FakeKubeApiServer;
  sim: ControllerSimulator;
  client: KubeClient;
  /** InstallPlan changes: performance.now() and the placement / Installed clusters after it. */
  record: Array<{ t: number; placed: string[]; installed: Set<string> }>;
  close(): Promise<void>;
}

async function env(): Promise<Env> {
  const server = await FakeKubeApiServer.start();
  loadCatalogInto(server.store, { extensions: [NAME], members: MEMBERS });
  const sim = await ControllerSimulator.start({ store: server.store, mode: "auto", timeScale: TIME_SCALE });
  const record: Env["record"] = [];
  const stop = server.store.subscribe((e) => {
    if (e.resource.plural !== "installplans") return;
    const p = e.object as unknown as InstallPlan;
    const installed = new Set(Object.entries(p.status?.clusterSchedulingStatuses ?? {}).filter(([, s]) => s.state === "Installed").map(([c]) => c));
    record.push({ t: performance.now(), placed: [...(p.spec.clusterScheduling?.placement?.clusters ?? [])], installed });
  });
  const client = new KubeClient(loadKubeConfig({ kubeconfig: kubeconfigFor(server) }));
  return { server, sim, client, record, async close() { stop(); sim.stop(); await server.close(); } };
}

function expectedFor(e: Env, clusters: string[]) {
  const live = e.server.store.get("installplans", NAME) as unknown as InstallPlan | undefined;
  return expectedInstallPlan({ plan: plan({ placement: { clusters } }), targetClusters: clusters, previous: live });
}

async function allAtOnce(): Promise<number> {
  const e = await env();
  try {
    const t0 = performance.now();
    e.server.store.create("installplans", plan({ placement: { clusters: MEMBERS } }) as never);
    await waitForInstallPlan({ api: clientRolloutApi(e.client), name: NAME, expected: expectedFor(e, MEMBERS), timeoutMs: 120_000 });
    return performance.now() - t0;
  } finally {
    await e.close();
  }
}

interface RolloutRun { total: number; controller: number[]; gaps: number[]; endGap: number }

async function rollout(): Promise<RolloutRun> {
  const e = await env();
  try {
    const t0 = performance.now();
    e.server.store.create("installplans", plan({ placement: { clusters: [] } }) as never);
    const r = await runRollout({
      api: clientRolloutApi(e.client), planName: NAME, expected: expectedFor(e, MEMBERS), timeoutMs: 120_000,
      rollout: { rollout: { batchSize: BATCH }, desired: { placement: { clusters: MEMBERS } }, targets: MEMBERS, installationMode: "Multicluster" },
    });
    const end = performance.now();
    const controller: number[] = [];
    const gaps: number[] = [];
    let prevInstalled: number | undefined;
    for (const w of r.plan.waves) {
      const written = e.record.find((x) => w.clusters.every((c) => x.placed.includes(c)))!.t;
      const installed = e.record.find((x) => w.clusters.every((c) => x.installed.has(c)))!.t;
      if (prevInstalled !== undefined) gaps.push(written - prevInstalled);
      controller.push(installed - written);
      prevInstalled = installed;
    }
    return { total: end - t0, controller, gaps, endGap: end - prevInstalled! };
  } finally {
    await e.close();
  }
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const waves = Math.ceil(CLUSTERS / BATCH);
  console.log(`rollout bench: ${CLUSTERS} member clusters, batchSize ${BATCH} (${waves} waves), ${RUNS} runs, simulator time-scale ${TIME_SCALE}, node ${process.version}, ${os.cpus().length} CPUs`);
  const once: number[] = [];
  const runs: RolloutRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    once.push(await allAtOnce());
    runs.push(await rollout());
  }
  const gaps = runs.flatMap((r) => r.gaps);
  const controller = runs.flatMap((r) => r.controller);
  const totals = runs.map((r) => r.total);
  const rows: Array<[string, number[]]> = [
    ["all at once: create → ready (baseline)", once],
    [`rollout: create → ${waves} waves ready`, totals],
    ["  per wave, controller (write → last Installed)", controller],
    ["  per wave, package gap (last Installed → next write)", gaps],
    ["  end gap (last Installed → resolved)", runs.map((r) => r.endGap)],
  ];
  console.log(`${"".padEnd(56)}${"median".padStart(12)}${"p90".padStart(12)}${"max".padStart(12)}`);
  for (const [label, xs] of rows) console.log(`${label.padEnd(56)}${ms(q(xs, 0.5)).padStart(12)}${ms(q(xs, 0.9)).padStart(12)}${ms(Math.max(...xs)).padStart(12)}`);
  const added = q(totals, 0.5) - q(once, 0.5);
  const packageShare = q(gaps, 0.5) * (waves - 1) + q(runs.map((r) => r.endGap), 0.5);
  console.log(`\nrollout − all at once (median): ${ms(added)}; of which the package's gaps: ${ms(packageShare)} ` +
    `(${ms(q(gaps, 0.5))} per wave boundary); the rest is the controller working wave by wave instead of all clusters in one reconcile.`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
