/**
 * A deterministic model of KubeSphere's InstallPlan controller (`installplan_controller.go`),
 * written from docs/kubesphere-behavior.md §2, §4 B and §5. It watches InstallPlans, Jobs, ExtensionVersions and
 * Clusters through a {@link SimKubeClient}, keeps Helm releases in a {@link HelmReleases} model,
 * and runs helm executor Jobs with a {@link HelmExecutorSimulator}.
 *
 * Reconcile (§2.3): plan → ExtensionVersion `<ext>-<version>` (missing: nothing at all, not even
 * on delete) → deletion flow (§5) → finalizer (merge patch, return) → `status.targetNamespace`
 * (write, return) → host sync (§2.4 derivation, §2.5 decision table, install/upgrade sequence of
 * §2.5 steps 1-7, `status.enabled` only while Installed) → cluster sync when
 * `spec.clusterScheduling` is set (§2.9, only once the host is Installed).
 *
 * Every status write is a fresh GET + copy of the in-memory labels, annotations and status +
 * update, retried on conflict (so, as in the real controller, concurrent label/annotation edits
 * can be reverted, §6.9), followed by the Extension status mirror (§4 B).
 *
 * Not modelled: the JSBundle/APIService/ReverseProxy/ExtensionEntry Available/Disabled flip
 * (those kinds are not served), RBAC objects other than the executor ServiceAccount, real chart
 * download and Repository checks (a `chartFail` fault stands in for their failures).
 *
 * @example
 * const clock = new ManualClock();
 * const server = await FakeKubeApiServer.start({ clock });
 * loadCatalogInto(server.store, { members: ["member1"] });
 * const sim = await ControllerSimulator.start({ store: server.store });
 * server.store.create("installplans", { apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan",
 *   metadata: { name: "devops" }, spec: { extension: { name: "devops", version: "1.1.3" }, enabled: true } });
 * await sim.settle();
 * server.store.get("installplans", "devops")?.status?.state; // "Installed"
 */
import { fnv1a64Hex } from "../components/config/configHash";
import { ANNOTATION_FORCE_DELETE, FINALIZER_INSTALLPLAN, LABEL_EXTENSION_REF, type Cluster, type ExtensionVersion, type InstallationStatus, type InstallPlan } from "../components/kubesphere/types";
import { isAdvanceable, kubeTime, OffsetClock, type Clock } from "./clock";
import { ExecutorFaults, type ExecutorAction, type ExecutorFault } from "./controllerFaults";
import { ApiError } from "./errors";
import { DEFAULT_EXECUTOR_DELAYS, EXECUTOR_POD_MODES, HelmExecutorSimulator, type ExecutorDelays, type ExecutorPods } from "./executor";
import { executorConfigMap, executorJob, helmCommandLine, hookImageFor, type ExecutorJobSpec } from "./executorJob";
import { shippedAgentConditions } from "./fixtures";
import { HelmReleases, type ReleaseKey } from "./helm";
import { StoreKubeClient, type SimKubeClient } from "./kubeClient";
import { SeededRandom } from "./random";
import { Scheduler, type SettleOptions } from "./scheduler";
import { mirrorExtensionStatus, updateInstallPlanStatus } from "./statusWriter";
import { matchesLabelSelector } from "./selectors";
import {
  clusterConfig, configChanged, decide, deriveStatus,
  isSchedulable, putCondition, setState, State, targetClusters, targetNamespace, versionChanged,
} from "./stateMachine";
import type { KubeObject, ObjectStore } from "./store";

/** `kube.config` of host runs: the controller's in-cluster connection (no credentials in the simulator). */
const HOST_KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters:\n- name: host\n  cluster:\n    server: https://kubernetes.default.svc\ncontexts:\n- name: host\n  context:\n    cluster: host\n    user: helm-executor\ncurrent-context: host\nusers:\n- name: helm-executor\n  user: {}\n";

/** Fault effects that act on executor runs (the rest act in the controller). */
const EXECUTOR_EFFECTS = ["fail", "clockSkew", "deleteJob", "slow", "hang"] as const;

/** Construction options of {@link ControllerSimulator}. */
export interface ControllerSimulatorOptions {
  /** In-process store to run against (e.g. `server.store`). One of `store` or `client` is required. */
  store?: ObjectStore;
  /** Any client (e.g. {@link HttpKubeClient} for a real kube-apiserver). */
  client?: SimKubeClient;
  /**
   * Controller clock. Defaults to the store's clock. A clock that cannot be advanced (the system
   * clock) is wrapped in an {@link OffsetClock}, so simulated durations still move time forward
   * and history entries of different steps do not collapse into one second.
   */
  clock?: Clock;
  /** `manual` (drive with settle/step; default with `store`) or `auto` (default with `client`). */
  mode?: "manual" | "auto";
  /** Seed of the Job/Pod name suffixes (default 1). */
  seed?: number;
  /** Simulated step durations (defaults {@link DEFAULT_EXECUTOR_DELAYS}). */
  delays?: Partial<ExecutorDelays>;
  /** Auto mode: real ms per simulated ms (default 0.002). */
  timeScale?: number;
  /** Executor faults. */
  faults?: ExecutorFault[];
  /**
   * Member clusters whose API cannot be reached: reading their agent release fails, so every
   * reconcile that gets to them errors and is retried with backoff (docs/kubesphere-behavior.md §2.4 step 2, §5).
   */
  unreachableClusters?: string[];
  /** Name of the Cluster object that is the host (default `host`). */
  hostCluster?: string;
  /**
   * How often a failing reconcile is retried (with 5 ms · 2ⁿ backoff) before the key is dropped
   * until its next event. Default 8 in manual mode, unlimited in auto mode.
   */
  maxRetries?: number;
  /** Receives one line per controller log message. */
  logger?: (line: string) => void;
  /**
   * Per ExtensionVersion name, the `condition` values of the chart's `agent`-tagged subcharts,
   * forced to `false` in the host release's helm command (the real controller reads them from
   * the chart). Default: those of the shipped v4.1.3 catalog's charts ({@link shippedAgentConditions}).
   */
  agentConditions?: Record<string, string[]>;
  /**
   * How executor pods are represented (default `"withLog"`):
   * - `"withLog"`: a Pod per Job, as the Job controller and kubelet would leave it, whose helm
   *   transcript the in-memory API server serves at `pods/<name>/log`;
   * - `"none"`: no Pod at all, only the Job's status moves, as on a kube-apiserver without
   *   kubelet or Job controller (code under test must then say that there is no pod / no log).
   */
  executorPods?: ExecutorPods;
}

/** A reconcile error the simulator recorded. */
export interface SimulatorError {
  /** Where (`reconcile devops`, `timer ...`). */
  where: string;
  /** The error message. */
  message: string;
  /** Controller time. */
  at: string;
}

type Plan = InstallPlan & { metadata: KubeObject["metadata"] };

/** The InstallPlan controller model. Create with {@link ControllerSimulator.start}. */
export class ControllerSimulator {
  /** Helm release records of every cluster. */
  readonly releases = new HelmReleases();
  /** Executor faults (add more at any time). */
  readonly faults: ExecutorFaults;
  /** Reconcile errors, oldest first. */
  readonly errors: SimulatorError[] = [];
  /** Controller log lines, oldest first. */
  readonly log: string[] = [];
  /** The controller clock. */
  readonly clock: Clock;
  private readonly client: SimKubeClient;
  private readonly scheduler: Scheduler;
  private readonly executor: HelmExecutorSimulator;
  private readonly random: SeededRandom;
  private readonly host: string;
  private readonly maxRetries: number;
  private readonly logger?: (line: string) => void;
  private readonly failures = new Map<string, number>();
  private readonly planCache = new Map<string, Plan>();
  private readonly jobStatusCache = new Map<string, string>();
  private readonly clusterCache = new Map<string, Cluster>();
  private readonly stops: Array<() => void> = [];
  private readonly unreachable = new Set<string>();
  private readonly agentConditions: Record<string, string[]>;

  private constructor(options: ControllerSimulatorOptions) {
    if (!options.store && !options.client) throw new Error("ControllerSimulator: pass `store` (in-process) or `client` (any API server)");
    this.client = options.client ?? new StoreKubeClient(options.store!);
    const base = options.clock ?? options.store?.clock;
    this.clock = base && isAdvanceable(base) ? base : new OffsetClock(base ?? { now: () => new Date() });
    const mode = options.mode ?? (options.client ? "auto" : "manual");
    this.maxRetries = options.maxRetries ?? (mode === "manual" ? 8 : Infinity);
    this.random = new SeededRandom(options.seed ?? 1);
    this.host = options.hostCluster ?? "host";
    this.logger = options.logger;
    this.faults = new ExecutorFaults(options.faults ?? []);
    this.agentConditions = options.agentConditions ?? shippedAgentConditions();
    for (const [name, list] of Object.entries(this.agentConditions)) {
      if (!Array.isArray(list) || list.some((c) => typeof c !== "string" || c === "")) {
        throw new Error(`ControllerSimulator: agentConditions["${name}"] must be a list of non-empty strings (Helm value paths such as "kubePrometheusStack.enabled"), got ${JSON.stringify(list)}`);
      }
    }
    const executorPods = options.executorPods ?? "withLog";
    if (!EXECUTOR_POD_MODES.includes(executorPods)) {
      throw new Error(`ControllerSimulator: executorPods must be one of ${EXECUTOR_POD_MODES.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(executorPods)}`);
    }
    (options.unreachableClusters ?? []).forEach((c) => this.unreachable.add(c));
    this.scheduler = new Scheduler({
      clock: this.clock, mode, timeScale: options.timeScale,
      worker: (key) => this.reconcileKey(key),
      onError: (where, e) => this.recordError(where, e),
    });
    this.executor = new HelmExecutorSimulator(this.client, this.scheduler, this.releases, this.random, this.clock,
      { ...DEFAULT_EXECUTOR_DELAYS, ...(options.delays ?? {}) }, executorPods);
  }

  /** Creates the simulator and starts its watches (existing plans are queued at once). */
  static async start(options: ControllerSimulatorOptions): Promise<ControllerSimulator> {
    const sim = new ControllerSimulator(options);
    await sim.startWatches();
    return sim;
  }

  // ------------------------------------------------------------------------------------ driving

  /** Manual mode: runs until nothing is queued or pending (or `until` holds). */
  settle(options?: SettleOptions): Promise<void> {
    return this.scheduler.settle(options);
  }

  /** Manual mode: runs one reconcile or one timer; false when idle. */
  step(): Promise<boolean> {
    return this.scheduler.step();
  }

  /** Auto mode: resolves when the controller is idle. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /**
   * Makes a member cluster's API unreachable (or reachable again). Nothing is re-queued: like the
   * real controller, plans notice on their next reconcile or retry.
   */
  setClusterReachable(cluster: string, reachable: boolean): void {
    if (reachable) this.unreachable.delete(cluster);
    else this.unreachable.add(cluster);
  }

  /** Queues a reconcile of the plan `name` (what any event on it does). */
  enqueue(name: string): void {
    this.scheduler.enqueue(name);
  }

  /** Stops watches and timers. */
  stop(): void {
    this.stops.forEach((s) => s());
    this.scheduler.stop();
  }

  private info(message: string): void {
    const line = `${this.clock.now().toISOString()} ${message}`;
    this.log.push(line);
    this.logger?.(line);
  }

  private recordError(where: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.errors.push({ where, message, at: this.clock.now().toISOString() });
    this.info(`ERROR ${where}: ${message}`);
    const m = /^reconcile (.*)$/u.exec(where);
    if (m) {
      const key = m[1];
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      if (n <= this.maxRetries) this.scheduler.after(Math.min(5 * 2 ** (n - 1), 1000000), `retry ${key}`, () => this.enqueue(key));
      else this.info(`giving up on ${key} after ${this.maxRetries} retries (until its next event)`);
    }
  }

  private async reconcileKey(key: string): Promise<void> {
    await this.reconcile(key);
    this.failures.delete(key);
  }

  // ------------------------------------------------------------------------------------ watches

  private async startWatches(): Promise<void> {
    this.stops.push(await this.client.watch("installplans", (e) => {
      if (e.type === "DELETED") this.planCache.delete(e.object.metadata.name);
      else this.planCache.set(e.object.metadata.name, e.object as unknown as Plan);
      this.enqueue(e.object.metadata.name);
    }));
    this.stops.push(await this.client.watch("jobs", (e) => {
      const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      const statusText = JSON.stringify(e.object.status ?? {});
      const before = this.jobStatusCache.get(key);
      if (e.type === "DELETED") {
        this.jobStatusCache.delete(key);
        return;
      }
      this.jobStatusCache.set(key, statusText);
      const ref = e.object.metadata.labels?.[LABEL_EXTENSION_REF];
      // Only status changes of updated Jobs are mapped (IPC:143-168); creates and deletes are not.
      if (e.type === "MODIFIED" && ref && before !== undefined && before !== statusText) this.enqueue(ref);
    }));
    this.stops.push(await this.client.watch("extensionversions", (e) => {
      const ref = e.object.metadata.labels?.[LABEL_EXTENSION_REF];
      if (e.type === "DELETED" && ref) this.enqueue(ref);
    }));
    this.stops.push(await this.client.watch("clusters", (e) => {
      const cluster = e.object as unknown as Cluster;
      const old = this.clusterCache.get(cluster.metadata.name);
      if (e.type === "DELETED") this.clusterCache.delete(cluster.metadata.name);
      else this.clusterCache.set(cluster.metadata.name, cluster);
      if (e.type !== "MODIFIED" || !old) return;
      const ready = (c: Cluster): boolean => (c.status?.conditions ?? []).some((x) => x.type === "Ready" && x.status === "True");
      const schedulable = (c: Cluster): boolean => !(c.status?.conditions ?? []).some((x) => x.type === "Schedulable" && x.status === "False");
      if ((!ready(old) && ready(cluster)) || (!schedulable(old) && schedulable(cluster))) {
        for (const plan of this.planCache.values()) {
          const placement = plan.spec.clusterScheduling?.placement;
          if (!placement) continue;
          const listed = placement.clusters?.includes(cluster.metadata.name) ?? false;
          const selected = placement.clusterSelector !== undefined && matchesLabelSelector(placement.clusterSelector, cluster.metadata.labels);
          if (listed || selected) this.enqueue(plan.metadata.name);
        }
      }
    }));
    // Helm release Secrets (type helm.sh/release.v1, owner=helm) map to the plan named by the
    // release; only the host's Secrets are watched (IPC:169-195).
    this.stops.push(this.releases.subscribe((key) => {
      if (key.cluster === this.host) this.enqueue(key.name);
    }));
  }

  // ------------------------------------------------------------------------------------ reconcile

  /** One reconcile of the plan `name` (§2.3). */
  private async reconcile(name: string): Promise<void> {
    const obj = await this.client.get("installplans", name);
    if (!obj) return;
    const plan = obj as unknown as Plan;
    const ext = plan.spec.extension.name;
    const evName = `${ext}-${plan.spec.extension.version}`;
    const ev = (await this.client.get("extensionversions", evName)) as unknown as ExtensionVersion | undefined;
    if (!ev) {
      this.info(`extension version not found: ${evName} (installplan ${name})`);
      return;
    }
    if (plan.metadata.deletionTimestamp) {
      await this.reconcileDelete(plan, ev);
      return;
    }
    const finalizers = plan.metadata.finalizers ?? [];
    if (!finalizers.includes(FINALIZER_INSTALLPLAN)) {
      await this.client.mergePatch("installplans", name, undefined, { metadata: { finalizers: [...finalizers, FINALIZER_INSTALLPLAN] } });
      return;
    }
    plan.status ??= {};
    const ns = targetNamespace(ext, ev.spec.namespace);
    if (plan.status.targetNamespace !== ns) {
      plan.status.targetNamespace = ns;
      await this.writeStatus(plan);
      return;
    }
    await this.syncHost(plan, ev);
    if (plan.spec.clusterScheduling) await this.syncClusters(plan, ev);
  }

  private hostKey(plan: Plan): ReleaseKey {
    return { cluster: this.host, namespace: plan.status?.targetNamespace ?? "", name: plan.spec.extension.name };
  }

  /** `helm get` of an agent release on its cluster; throws when that cluster is unreachable. */
  private agentRelease(key: ReleaseKey): ReturnType<HelmReleases["get"]> {
    if (this.unreachable.has(key.cluster)) {
      throw new Error(`Kubernetes cluster unreachable: Get "https://${key.cluster}.simulator.invalid:6443/version": dial tcp: i/o timeout`);
    }
    return this.releases.get(key);
  }

  private async getJob(namespace: string | undefined, name: string | undefined): Promise<KubeObject | undefined> {
    if (!name || !namespace) return undefined;
    return this.client.get("jobs", name, namespace);
  }

  /** Host release: derive, write, decide (§2.5). */
  private async syncHost(plan: Plan, ev: ExtensionVersion): Promise<void> {
    const status = plan.status!;
    const job = await this.getJob(status.targetNamespace, status.jobName);
    if (deriveStatus(status, job as never, this.releases.get(this.hostKey(plan)))) await this.writeStatus(plan);
    const config = plan.spec.config ?? "";
    const changed = configChanged(status, config) || versionChanged(status, plan.spec.extension.version);
    const decision = decide(status.state, changed);
    if (decision !== "none") await this.installOrUpgrade(plan, ev, undefined, decision === "upgrade");
    if (status.state === State.Installed && (status.enabled ?? false) !== plan.spec.enabled) {
      if (plan.spec.enabled) status.enabled = true;
      else delete status.enabled;
      await this.writeStatus(plan);
    }
  }

  /** Agents (§2.9): only once the host is Installed. */
  private async syncClusters(plan: Plan, ev: ExtensionVersion): Promise<void> {
    const status = plan.status!;
    if (status.state !== State.Installed) return;
    const clusters = (await this.client.list("clusters")) as unknown as Cluster[];
    const targets = targetClusters(plan, clusters);
    const statuses = (status.clusterSchedulingStatuses ??= {});
    for (const name of targets) {
      const cluster = clusters.find((c) => c.metadata.name === name)!;
      if (!isSchedulable(cluster)) continue;
      const entry = (statuses[name] ??= {});
      const key: ReleaseKey = { cluster: name, namespace: status.targetNamespace!, name: `${plan.spec.extension.name}-agent` };
      const job = await this.getJob(status.targetNamespace, entry.jobName);
      if (deriveStatus(entry, job as never, this.agentRelease(key))) await this.writeStatus(plan);
      const config = clusterConfig(plan.spec.config, plan.spec.clusterScheduling?.overrides, name);
      const changed = configChanged(entry, config) || versionChanged(entry, plan.spec.extension.version);
      const decision = decide(entry.state, changed);
      if (decision !== "none") await this.installOrUpgrade(plan, ev, name, decision === "upgrade");
    }
    for (const name of Object.keys(statuses)) {
      if (!targets.includes(name)) await this.uninstallAgent(plan, name, clusters);
    }
    if (Object.keys(statuses).length === 0) {
      delete status.clusterSchedulingStatuses;
    }
  }

  /** The install/upgrade sequence (§2.5 steps 1-7) for the host (`cluster` undefined) or an agent. */
  private async installOrUpgrade(plan: Plan, ev: ExtensionVersion, cluster: string | undefined, upgrade: boolean): Promise<void> {
    const status = plan.status!;
    const ext = plan.spec.extension.name;
    const ns = status.targetNamespace!;
    const entry: InstallationStatus = cluster === undefined ? status : status.clusterSchedulingStatuses![cluster];
    const release = cluster === undefined ? ext : `${ext}-agent`;
    const config = cluster === undefined ? plan.spec.config ?? "" : clusterConfig(plan.spec.config, plan.spec.clusterScheduling?.overrides, cluster);
    const action: ExecutorAction = upgrade ? "upgrade" : "install";
    this.info(`${action} ${release}${cluster ? ` on cluster ${cluster}` : ""} (installplan ${plan.metadata.name}, version ${ev.spec.version ?? ""})`);

    setState(entry, State.Preparing, "", this.clock.now());
    await this.writeStatus(plan);
    const version = ev.spec.version ?? plan.spec.extension.version;
    const [chartFail] = this.faults.take({ extension: ext, version, cluster, action }, ["chartFail"]);
    if (chartFail) {
      // Step 2 failed: no Job, configHash/version/jobName keep their old values (§2.5, §6.4).
      const error = chartFail.error ?? `failed to download chart: Get "https://extensions-museum.kubesphere-system.svc/charts/${ext}-${version}.tgz": dial tcp: lookup extensions-museum.kubesphere-system.svc: no such host`;
      const message = cluster === undefined ? `Failed to ${upgrade ? "upgrade" : "install"} extension: ${error}` : `failed to upgrade extension: ${error}`;
      setState(entry, upgrade ? State.UpgradeFailed : State.InstallFailed, message, this.clock.now());
      await this.writeStatus(plan);
      return;
    }
    await this.ensureNamespace(ns, ext);
    if (!upgrade) {
      putCondition(entry, {
        type: "Initialized", status: "True", reason: "Initialized",
        message: cluster === undefined ? `The extension ${ext} has been successfully initialized.` : "The extension agent has been successfully initialized.",
        lastTransitionTime: kubeTime(this.clock.now()),
      });
      await this.writeStatus(plan);
    }
    const jobName = `helm-${action}-${release}-${this.random.suffix(6)}`;
    const hash = fnv1a64Hex(config);
    const jobSpec = await this.executorJobSpec(plan, ev, { jobName, action, release, config, configHash: hash, cluster });
    const job = await this.createExecutorObjects(jobSpec);
    entry.configHash = hash;
    entry.version = version;
    entry.releaseName = release;
    entry.jobName = jobName;
    if (cluster !== undefined) entry.targetNamespace = ns;
    setState(entry, upgrade ? State.Upgrading : State.Installing, "", this.clock.now());
    await this.writeStatus(plan);
    await this.cleanupOldJobs(plan);
    this.executor.start({
      job, action, chartVersion: entry.version,
      release: { cluster: cluster ?? this.host, namespace: ns, name: release },
      command: helmCommandLine(jobSpec),
      faults: this.faults.take({ extension: ext, version, cluster, action }, EXECUTOR_EFFECTS),
    });
  }

  private async ensureNamespace(ns: string, ext: string): Promise<void> {
    if (!(await this.client.get("namespaces", ns))) {
      await this.createIgnoringExists("namespaces", {
        apiVersion: "v1", kind: "Namespace",
        metadata: { name: ns, labels: { "kubesphere.io/workspace": "system-workspace", [LABEL_EXTENSION_REF]: ext, "kubesphere.io/managed": "true" } },
      });
    }
    const sa = `helm-executor.${ext}`;
    if (!(await this.client.get("serviceaccounts", sa, ns))) {
      await this.createIgnoringExists("serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: sa, namespace: ns, labels: { [LABEL_EXTENSION_REF]: ext } } });
    }
  }

  private async createIgnoringExists(type: string, obj: KubeObject): Promise<void> {
    try {
      await this.client.create(type, obj);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
    }
  }

  /** What decides the executor Job and ConfigMap of one run (see `executorJob.ts`). */
  private async executorJobSpec(plan: Plan, ev: ExtensionVersion | undefined,
    run: { jobName: string; action: ExecutorAction; release: string; config: string; configHash: string; cluster: string | undefined }): Promise<ExecutorJobSpec> {
    const clusterObj = run.cluster === undefined ? undefined : (await this.client.get("clusters", run.cluster)) as unknown as Cluster | undefined;
    const encoded = clusterObj?.spec?.connection?.kubeconfig;
    if (encoded !== undefined && typeof encoded !== "string") throw new Error(`Cluster ${run.cluster}: spec.connection.kubeconfig must be a base64 string`);
    return {
      jobName: run.jobName, namespace: plan.status!.targetNamespace!, plan: { name: plan.metadata.name, uid: plan.metadata.uid },
      extension: plan.spec.extension.name, release: run.release, action: run.action, config: run.config, configHash: run.configHash,
      chartURL: ev?.spec.chartURL, hookImage: ev ? hookImageFor(ev, run.action) : undefined,
      cluster: run.cluster === undefined ? undefined : { name: run.cluster, role: run.cluster === this.host ? "host" : "member" },
      // Host: the controller's own connection; agents: the member's kubeconfig from its Cluster object.
      kubeconfig: encoded ? Buffer.from(encoded, "base64").toString("utf8") : HOST_KUBECONFIG,
      agentConditions: run.cluster === undefined && ev ? this.agentConditions[ev.metadata.name] : undefined,
    };
  }

  private async createExecutorObjects(spec: ExecutorJobSpec): Promise<KubeObject> {
    await this.client.create("configmaps", executorConfigMap(spec));
    return this.client.create("jobs", executorJob(spec));
  }

  /** §2.5 step 7: delete executor Jobs/ConfigMaps whose `name` label is not a current job name. */
  private async cleanupOldJobs(plan: Plan): Promise<void> {
    const status = plan.status!;
    const ns = status.targetNamespace!;
    const current = new Set<string>([status.jobName ?? "", ...Object.values(status.clusterSchedulingStatuses ?? {}).map((e) => e.jobName ?? "")].filter((n) => n !== ""));
    const selector = `kubesphere.io/managed=true,${LABEL_EXTENSION_REF}=${plan.spec.extension.name}`;
    for (const type of ["jobs", "configmaps"]) {
      for (const o of await this.client.list(type, { namespace: ns, labelSelector: selector })) {
        if (current.has(o.metadata.labels?.name ?? "")) continue;
        await this.client.delete(type, o.metadata.name, ns);
        // Pods go with their Job through garbage collection; delete them explicitly as well so
        // that an API server without kube-controller-manager (the e2e harness) ends up the same.
        if (type === "jobs") {
          for (const pod of await this.client.list("pods", { namespace: ns, labelSelector: `job-name=${o.metadata.name}` })) {
            await this.client.delete("pods", pod.metadata.name, ns);
          }
        }
      }
    }
  }

  /** Removed or all-removed cluster agents (§2.9 last bullet, §5 step 4). */
  private async uninstallAgent(plan: Plan, name: string, clusters?: Cluster[]): Promise<void> {
    const status = plan.status!;
    const statuses = status.clusterSchedulingStatuses ?? {};
    const entry = statuses[name];
    if (!entry) return;
    const all = clusters ?? ((await this.client.list("clusters")) as unknown as Cluster[]);
    const key: ReleaseKey = { cluster: name, namespace: status.targetNamespace ?? "", name: `${plan.spec.extension.name}-agent` };
    const exists = all.some((c) => c.metadata.name === name);
    const release = exists ? this.agentRelease(key) : undefined;
    if (!entry.releaseName || !all.some((c) => c.metadata.name === name) || !release) {
      delete statuses[name];
      if (Object.keys(statuses).length === 0) delete status.clusterSchedulingStatuses;
      await this.writeStatus(plan);
      return;
    }
    const job = await this.getJob(status.targetNamespace, entry.jobName);
    if (deriveStatus(entry, job as never, release)) await this.writeStatus(plan);
    if ([State.Uninstalling, State.UninstallFailed, State.Uninstalled].includes(entry.state as never)) return;
    await this.startUninstall(plan, entry, name);
  }

  private async startUninstall(plan: Plan, entry: InstallationStatus, cluster: string | undefined): Promise<void> {
    const ext = plan.spec.extension.name;
    const release = cluster === undefined ? ext : `${ext}-agent`;
    const jobName = `helm-uninstall-${release}-${this.random.suffix(6)}`;
    this.info(`uninstall ${release}${cluster ? ` on cluster ${cluster}` : ""} (installplan ${plan.metadata.name})`);
    const ev = (await this.client.get("extensionversions", `${ext}-${plan.spec.extension.version}`)) as unknown as ExtensionVersion | undefined;
    const jobSpec = await this.executorJobSpec(plan, ev, { jobName, action: "uninstall", release, config: "", configHash: "", cluster });
    const job = await this.createExecutorObjects(jobSpec);
    entry.jobName = jobName;
    setState(entry, State.Uninstalling, "", this.clock.now());
    await this.writeStatus(plan);
    this.executor.start({
      job, action: "uninstall", chartVersion: entry.version ?? "",
      release: { cluster: cluster ?? this.host, namespace: plan.status!.targetNamespace!, name: release },
      command: helmCommandLine(jobSpec),
      faults: this.faults.take({ extension: ext, version: entry.version ?? plan.spec.extension.version, cluster, action: "uninstall" }, EXECUTOR_EFFECTS),
    });
  }

  /** The deletion flow (§5 steps 3-8). */
  private async reconcileDelete(plan: Plan, _ev: ExtensionVersion): Promise<void> {
    plan.status ??= {};
    const status = plan.status;
    if (!status.releaseName) return this.finishUninstall(plan);
    const statuses = status.clusterSchedulingStatuses ?? {};
    if (Object.keys(statuses).length > 0) {
      const clusters = (await this.client.list("clusters")) as unknown as Cluster[];
      for (const name of Object.keys(statuses)) await this.uninstallAgent(plan, name, clusters);
      return;
    }
    if (plan.metadata.annotations?.[ANNOTATION_FORCE_DELETE] !== undefined) {
      this.info(`force-delete: uninstalling release ${plan.spec.extension.name} in-process (installplan ${plan.metadata.name})`);
      this.releases.remove(this.hostKey(plan));
      // Then as step 3: `Uninstalled` (a new stateHistory entry), the Extension status cleared
      // back to what the Extension controller owns, the finalizer removed.
      return this.finishUninstall(plan);
    }
    const release = this.releases.get(this.hostKey(plan));
    if (!release) return this.finishUninstall(plan);
    const job = await this.getJob(status.targetNamespace, status.jobName);
    if (deriveStatus(status, job as never, release)) await this.writeStatus(plan);
    if ([State.Uninstalling, State.UninstallFailed, State.Uninstalled].includes(status.state as never)) return;
    await this.startUninstall(plan, status, undefined);
  }

  private async finishUninstall(plan: Plan): Promise<void> {
    setState(plan.status!, State.Uninstalled, `The extension ${plan.spec.extension.name} has been successfully uninstalled.`, this.clock.now());
    await this.writeStatus(plan);
    await this.removeFinalizer(plan);
  }

  private async removeFinalizer(plan: Plan): Promise<void> {
    const fresh = await this.client.get("installplans", plan.metadata.name);
    if (!fresh) return;
    const rest = (fresh.metadata.finalizers ?? []).filter((f) => f !== FINALIZER_INSTALLPLAN);
    await this.client.mergePatch("installplans", plan.metadata.name, undefined, { metadata: { finalizers: rest.length > 0 ? rest : null } });
  }

  // ------------------------------------------------------------------------------------ writes

  /** `updateInstallPlan` (IPC:529-557) followed by the Extension mirror (§4 B); see `statusWriter.ts`. */
  private async writeStatus(plan: Plan): Promise<void> {
    await updateInstallPlanStatus(this.client, plan);
    await mirrorExtensionStatus(this.client, plan);
  }
}
