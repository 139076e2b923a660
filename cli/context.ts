/**
 * Where `kubesphere-ext` gets its facts: the same `Catalog` implementations the component uses
 * (`LiveCatalog` for the kubeconfig's cluster, `StaticCatalog` via `loadCatalogSource` offline), plus
 * live reads of Jobs, pods and logs for `diagnose`. Failures to talk to the cluster become
 * `UnreachableError` (exit code 3) so that scripts can tell them from resolution problems.
 */
import * as fs from "fs";
import * as path from "path";
import type { Catalog, HostVersions } from "../components/catalog/catalog";
import { LiveCatalog } from "../components/catalog/liveCatalog";
import { DEFAULT_REQUEST_TIMEOUT_MS, KubeClient } from "../components/kube/client";
import { KubeApiError } from "../components/kube/errors";
import { jobStatusOf, readContainerLog } from "../components/kube/jobs";
import { KubeconfigError } from "../components/kube/kubeconfig";
import { loadCatalogSource } from "../components/catalog/museumIndex";
import type { ClusterFacts } from "../components/catalog/staticCatalog";
import type { Category, Cluster, Extension, ExtensionVersion, InstallPlan, Repository } from "../components/kubesphere/types";
import { commaList, keyValue, list, OptionValues, str } from "./args";
import { UnreachableError, UsageError } from "./errors";

/** A finished-or-not view of a batch/v1 Job, as `diagnose` needs it. */
export interface JobInfo {
  /** Job name. */
  name: string;
  /** Namespace (the plan's `status.targetNamespace`). */
  namespace: string;
  /** Condition `Complete=True`, or `succeeded >= completions`. */
  complete: boolean;
  /** Condition `Failed=True`, or `failed > backoffLimit`. */
  failed: boolean;
  /** `status.startTime`. */
  startTime?: string;
  /** `status.completionTime`, or the Failed condition's time. */
  finishedTime?: string;
  /** Message of the Failed condition, if any. */
  failureMessage?: string;
  /** Annotation `executor.kubesphere.io/action` (install, upgrade, uninstall). */
  action?: string;
}

/** A pod of an executor Job. */
export interface PodInfo {
  /** Pod name. */
  name: string;
  /** `status.phase`. */
  phase?: string;
  /** `spec.nodeName` (where the clock that matters for docs/kubesphere-behavior.md §6.3 ticks). */
  nodeName?: string;
  /** Container names, init containers first. */
  containers: string[];
}

/** Reads that only a live cluster can answer (Jobs, pods, logs). */
export interface LiveReads {
  /** The Job, or `undefined` when it does not exist (e.g. cleaned by its TTL). */
  job(namespace: string, name: string): Promise<JobInfo | undefined>;
  /** Pods labelled `job-name=<job>` (docs/kubesphere-behavior.md §2.10: the pod template sets no labels of its own). */
  podsOfJob(namespace: string, job: string): Promise<PodInfo[]>;
  /** The last `tailLines` lines of a container's log. */
  podLog(namespace: string, pod: string, container: string, tailLines: number): Promise<string>;
}

/** What a command runs against. */
export interface CliContext {
  /** The catalog (live or static), with cluster failures mapped to `UnreachableError`. */
  catalog: Catalog;
  /** `true` when `--catalog` was given (nothing is read from a cluster). */
  offline: boolean;
  /** Live-only reads; `undefined` offline. */
  live?: LiveReads;
  /** `--ks-version` / `--kube-version` as given (passed to `resolveExtension` like the component does). */
  hostOverrides: { ksVersion?: string; kubeVersion?: string };
  /** Warnings from loading the catalog (museum index entries skipped, index-only specs). */
  warnings: string[];
  /**
   * The first cluster read that failed, if any. Resolution reports a catalog read failure as one of
   * its problems; the CLI still exits 3 (cluster unreachable) when this is set.
   */
  unreachable?: () => UnreachableError | undefined;
}

/** A catalog whose read failures are `UnreachableError`s (exit 3) rather than plain errors. */
class GuardedCatalog implements Catalog {
  /** The first read failure (see {@link CliContext.unreachable}). */
  failure?: UnreachableError;
  constructor(private readonly inner: Catalog) {}
  get description(): string { return this.inner.description; }
  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = new UnreachableError(`cannot read ${what} from ${this.inner.description}: ${(e as Error).message}`);
      this.failure ??= err;
      throw err;
    }
  }
  extensionVersions(): Promise<ExtensionVersion[]> { return this.guard("ExtensionVersions", () => this.inner.extensionVersions()); }
  extensions(): Promise<Extension[]> { return this.guard("Extensions", () => this.inner.extensions()); }
  categories(): Promise<Category[]> { return this.guard("Categories", () => this.inner.categories()); }
  repositories(): Promise<Repository[]> { return this.guard("Repositories", () => this.inner.repositories()); }
  clusters(): Promise<Cluster[]> { return this.guard("Clusters", () => this.inner.clusters()); }
  installPlans(): Promise<InstallPlan[]> { return this.guard("InstallPlans", () => this.inner.installPlans()); }
  hostVersions(): Promise<HostVersions> { return this.guard("the host versions", () => this.inner.hostVersions()); }
}

/** Live Job/pod/log reads through the shared Kubernetes layer (bounded requests, one error vocabulary). */
export class KubeLiveReads implements LiveReads {
  /** @param client the API access of the live catalog. */
  constructor(private readonly client: KubeClient) {}

  private fail(what: string, e: unknown): never {
    const err = e instanceof KubeApiError ? e : undefined;
    if (err && (err.kind === "unauthorized" || err.kind === "forbidden")) {
      throw new UnreachableError(`not allowed to read ${what}: ${err.message}; the identity needs get/list on it`);
    }
    throw new UnreachableError(`cannot read ${what}: ${(e as Error).message}`);
  }

  async job(namespace: string, name: string): Promise<JobInfo | undefined> {
    let job;
    try {
      job = await this.client.callOrUndefined(`GET jobs/${name} -n ${namespace}`, (o) => this.client.batch.readNamespacedJob({ name, namespace }, o));
    } catch (e) {
      return this.fail(`Job ${namespace}/${name}`, e);
    }
    if (!job) return undefined;
    const st = jobStatusOf(job);
    return {
      name, namespace, complete: st.complete, failed: st.failed, startTime: st.startTime, finishedTime: st.finishedTime,
      failureMessage: st.failureMessage, action: st.action,
    };
  }

  async podsOfJob(namespace: string, job: string): Promise<PodInfo[]> {
    try {
      const pods = await this.client.call(`LIST pods -n ${namespace} -l job-name=${job}`, (o) =>
        this.client.core.listNamespacedPod({ namespace, labelSelector: `job-name=${job}` }, o));
      return pods.items.map((p) => ({
        name: p.metadata?.name ?? "",
        phase: p.status?.phase,
        nodeName: p.spec?.nodeName,
        containers: [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].map((c) => c.name),
      }));
    } catch (e) {
      return this.fail(`pods of Job ${namespace}/${job}`, e);
    }
  }

  async podLog(namespace: string, pod: string, container: string, tailLines: number): Promise<string> {
    try {
      return await readContainerLog(this.client, namespace, pod, container, tailLines);
    } catch (e) {
      return this.fail(`the log of ${namespace}/${pod} (container ${container})`, e);
    }
  }
}

/** The cluster facts given on the command line (offline). @throws UsageError */
export function factsFromOptions(values: OptionValues): ClusterFacts {
  const installed: Record<string, string> = {};
  for (const item of list(values, "installed")) {
    const [name, version] = keyValue(item, "--installed", "NAME=VERSION, e.g. whizard-telemetry=1.2.2");
    if (name === "" || version === "") throw new UsageError(`--installed ${JSON.stringify(item)} needs both a name and a version, e.g. whizard-telemetry=1.2.2`);
    installed[name] = version;
  }
  const facts: ClusterFacts = { ksVersion: str(values, "ks-version"), kubeVersion: str(values, "kube-version") };
  if (Object.keys(installed).length > 0) facts.installed = installed;
  const clusters = commaList(str(values, "cluster-names"));
  if (clusters !== undefined) {
    if (clusters.length === 0) throw new UsageError("--cluster-names needs at least one name, e.g. host,member1");
    facts.clusters = clusters;
  }
  return facts;
}

/** Where relative paths are resolved. Without `--kubeconfig` the standard loading rules apply (`KUBECONFIG`, `~/.kube/config`, in-cluster). */
export interface ContextEnvironment {
  /** Working directory for relative paths. */
  cwd: string;
}

/**
 * Builds the context from global options: offline when `--catalog` is given, else the kubeconfig's
 * cluster. @throws UsageError for bad options or unreadable files, UnreachableError when no cluster
 * is configured
 */
export function createContext(values: OptionValues, environment: ContextEnvironment): CliContext {
  const hostOverrides = { ksVersion: str(values, "ks-version"), kubeVersion: str(values, "kube-version") };
  const catalogPaths = list(values, "catalog").map((p) => path.resolve(environment.cwd, p));
  if (catalogPaths.length > 0) {
    for (const o of ["kubeconfig", "context"]) {
      if (str(values, o) !== undefined) throw new UsageError(`--${o} and --catalog exclude each other: --catalog reads no cluster`);
    }
    const facts = factsFromOptions(values);
    try {
      const { catalog, warnings } = loadCatalogSource(catalogPaths, facts);
      return { catalog, offline: true, hostOverrides, warnings };
    } catch (e) {
      throw new UsageError(`--catalog: ${(e as Error).message}`);
    }
  }
  for (const o of ["installed", "cluster-names"]) {
    if (values[o] !== undefined) throw new UsageError(`--${o} only applies to an offline catalog (--catalog); a live cluster reports it itself`);
  }
  let kubeconfig: string | undefined;
  const kubeconfigPath = str(values, "kubeconfig");
  if (kubeconfigPath !== undefined) {
    const file = path.resolve(environment.cwd, kubeconfigPath);
    try {
      kubeconfig = fs.readFileSync(file, "utf8");
    } catch (e) {
      throw new UsageError(`--kubeconfig ${kubeconfigPath}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const context = str(values, "context");
  const requestTimeoutMs = requestTimeoutFrom(values);
  let live: LiveCatalog;
  try {
    live = new LiveCatalog({ kubeconfig, kubeconfigSource: `--kubeconfig ${kubeconfigPath}`, context, requestTimeoutMs, ...hostOverrides });
  } catch (e) {
    if (e instanceof KubeconfigError && e.problem === "context") throw new UsageError(`--context: ${e.message}`);
    throw new UnreachableError(`${(e as Error).message}; or work offline with --catalog DIR|index.yaml`);
  }
  const catalog = new GuardedCatalog(live);
  return { catalog, offline: false, live: new KubeLiveReads(live.kubeClient), hostOverrides, warnings: [], unreachable: () => catalog.failure };
}

/** `--request-timeout SECONDS` (default 15 s). @throws UsageError */
export function requestTimeoutFrom(values: OptionValues): number {
  const text = str(values, "request-timeout");
  if (text === undefined) return DEFAULT_REQUEST_TIMEOUT_MS;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) {
    throw new UsageError(`--request-timeout ${JSON.stringify(text)}: give a number of seconds greater than 0 and at most 3600, e.g. 15`);
  }
  return Math.round(n * 1000);
}
