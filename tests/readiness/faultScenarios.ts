/**
 * The fault matrix of issue 12: each scenario drives one fault against the simulator's API server
 * (scripted controller, or the controller simulator) through the real client, and returns the wait's
 * verdict and the time from the fault to the verdict. Shared by `faults.spec.ts` (asserts each
 * verdict) and `bench/faults.ts` (prints time-to-verdict per fault).
 */
import { fnv1a64Hex } from "../../components/config/configHash";
import type { InstallPlan } from "../../components/kubesphere/types";
import { waitForInstallPlan, type ReadinessProgress, type WaitForInstallPlanOptions } from "../../components/readiness/waiter";
import { ControllerSimulator } from "../../simulator/controller";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { condition, expectedFor, planObject, ScriptedController, until } from "./support";

const NS = "kubesphere-devops-system";
const CFG = "replicas: 1\n";
const JOB = "helm-install-devops-fault1";

/** What one scenario produced. */
export interface FaultOutcome {
  /** The wait's rejection (or `undefined` if it resolved, which is always wrong here). */
  error?: Error;
  /** Milliseconds from the fault (or the start of the wait, for faults present from the start) to the verdict. */
  msToVerdict: number;
  /** Progress lines seen. */
  progress: ReadinessProgress[];
}

/** One fault. */
export interface FaultScenario {
  /** Short name for tables and test titles. */
  name: string;
  /** The verdict that is true for it. */
  expected: string;
  /** What the previous code's rules gave (read from its source, not measured). */
  before: string;
  /** Runs it. `opts` tune the wait (grace periods, timeouts). */
  run(opts?: Partial<WaitForInstallPlanOptions>): Promise<FaultOutcome>;
}

/** A scripted world: fake API server + hand-played controller, with the plan Installing its Job. */
async function installing(withPod: boolean): Promise<{ env: FakeCluster; ctl: ScriptedController }> {
  const env = await startFakeCluster();
  const ctl = new ScriptedController(env.server.store);
  ctl.namespace(NS);
  ctl.apply(planObject("devops", "1.1.2", CFG));
  ctl.job(NS, JOB, "active", withPod ? "+ helm upgrade --install devops\n" : undefined);
  ctl.setStatus("devops", { targetNamespace: NS, state: "Installing", version: "1.1.2", configHash: fnv1a64Hex(CFG), jobName: JOB, releaseName: "devops" });
  return { env, ctl };
}

/** Starts the wait, lets it see the Installing state, applies `fault`, and measures until the verdict. */
async function measure(env: FakeCluster, fault: () => void | Promise<void>, opts: Partial<WaitForInstallPlanOptions> = {}): Promise<FaultOutcome> {
  const progress: ReadinessProgress[] = [];
  const ac = new AbortController();
  let settledAt = 0;
  const wait = waitForInstallPlan({
    kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 20_000, pollIntervalMs: 60_000,
    logSettleMs: 0, onProgress: (p) => progress.push(p), signal: ac.signal, ...opts,
  }).then(() => { settledAt = performance.now(); return undefined; }, (e: Error) => { settledAt = performance.now(); return e; });
  try {
    await until(() => progress.some((p) => p.kind === "transition"), "the wait saw the plan", 5_000);
    await until(() => env.server.openWatchCount >= 2, "plan and Job watches are open", 5_000);
    const faultAt = performance.now();
    await fault();
    const error = await wait;
    return { error, msToVerdict: settledAt - faultAt, progress };
  } finally {
    ac.abort();
    await wait;
  }
}

async function scripted(withPod: boolean, fault: (env: FakeCluster, ctl: ScriptedController) => void | Promise<void>, opts?: Partial<WaitForInstallPlanOptions>): Promise<FaultOutcome> {
  const { env, ctl } = await installing(withPod);
  try {
    return await measure(env, () => fault(env, ctl), opts);
  } finally {
    await env.close();
  }
}

/** Every fault of the matrix. */
export const FAULT_SCENARIOS: FaultScenario[] = [
  {
    name: "executor Job deleted mid-install",
    before: "timeout, last state \"still running\"",
    expected: "InstallPlanStalledError: the Job no longer exists (after the 2 s grace)",
    run: (opts) => scripted(true, (env) => {
      env.server.store.delete("pods", `${JOB}-abcde`, NS);
      env.server.store.delete("jobs", JOB, NS);
    }, opts),
  },
  {
    name: "InstallPlan deleted out of band (no finalizer)",
    before: "timeout (Unknown: plan not found)",
    expected: "InstallPlanChangedError(deleted) at the DELETED event",
    run: (opts) => scripted(true, (env, ctl) => {
      ctl.finishDeletion("devops");
      env.server.store.delete("installplans", "devops");
    }, opts),
  },
  {
    name: "InstallPlan deleted out of band (finalizer holds it)",
    before: "same (Failed at the event)",
    expected: "InstallPlanFailedError: being deleted, at the deletionTimestamp event",
    run: (opts) => scripted(true, (env) => { env.server.store.delete("installplans", "devops"); }, opts),
  },
  {
    name: "InstallPlan re-created out of band (uid change, seen on a re-list)",
    before: "no uid check: waited on the new plan",
    expected: "InstallPlanChangedError(recreated) at the re-list",
    run: (opts) => scripted(true, (env, ctl) => {
      // The stream is down while the plan is replaced, and the history is compacted: the waiter
      // only sees the new object (new uid) when it re-lists after 410.
      env.server.injectFault({ match: { verb: "watch", resource: "installplans" }, times: 1, action: { kind: "status", code: 503 } });
      env.server.closeWatches();
      ctl.finishDeletion("devops");
      env.server.store.delete("installplans", "devops");
      ctl.apply(planObject("devops", "1.1.2", CFG));
      env.server.store.compact();
    }, opts),
  },
  {
    name: "spec.extension.version changed by another writer",
    before: "timeout (Unknown: not the applied spec)",
    expected: "InstallPlanChangedError(specChanged) naming the version",
    run: (opts) => scripted(true, (env) => {
      env.server.store.patch("installplans", "devops", undefined, "merge", { spec: { extension: { name: "devops", version: "1.1.3" } } });
    }, opts),
  },
  {
    name: "spec.config changed by another writer",
    before: "timeout (Unknown: not the applied spec)",
    expected: "InstallPlanChangedError(specChanged) naming the config hash",
    run: (opts) => scripted(true, (env) => {
      env.server.store.patch("installplans", "devops", undefined, "merge", { spec: { config: "replicas: 3\n" } });
    }, opts),
  },
  {
    name: "spec.enabled changed by another writer",
    before: "timeout (Unknown: not the applied spec)",
    expected: "InstallPlanChangedError(specChanged) naming enabled",
    run: (opts) => scripted(true, (env) => {
      env.server.store.patch("installplans", "devops", undefined, "merge", { spec: { enabled: false } });
    }, opts),
  },
  {
    name: "InstallFailed, executor pod gone",
    before: "Failed, log line \"(no executor pod found for the Job ...)\"",
    expected: "InstallPlanFailedError with \"no executor pod found for Job X\"",
    run: (opts) => scripted(false, (_env, ctl) => {
      ctl.job(NS, JOB, "failed");
      ctl.patchStatus("devops", { state: "InstallFailed", conditions: [condition("Installed", "False", "InstallFailed", "Release \"devops\" failed: timed out")] });
    }, opts),
  },
  {
    name: "InstallFailed, pod log not readable",
    before: "Failed, log line \"(unavailable: <the client's error>)\"",
    expected: "InstallPlanFailedError with \"the executor pod's log is not available: <reason>\"",
    run: (opts) => scripted(true, (env, ctl) => {
      env.server.injectFault({ match: { verb: "log" }, times: Infinity, action: { kind: "status", code: 400, reason: "BadRequest", message: "container \"helm\" in pod is waiting to start: ContainerCreating" } });
      ctl.job(NS, JOB, "failed");
      ctl.patchStatus("devops", { state: "InstallFailed", conditions: [condition("Installed", "False", "InstallFailed", "Release \"devops\" failed: timed out")] });
    }, opts),
  },
  {
    name: "member cluster unreachable",
    before: "same (timeout naming the cluster)",
    expected: "InstallPlanTimeoutError about cluster member1 only",
    async run(opts) {
      const env = await startFakeCluster({ members: ["member1"] });
      const sim = await ControllerSimulator.start({ store: env.server.store, mode: "auto", unreachableClusters: ["member1"] });
      const progress: ReadinessProgress[] = [];
      try {
        const plan: InstallPlan = { ...planObject("devops", "1.1.2", CFG, true, ["member1"]) };
        env.server.store.create("installplans", plan as never);
        const started = performance.now();
        const error = await waitForInstallPlan({
          kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG, true, { clusters: { member1: {} } }),
          timeoutMs: 1_500, pollIntervalMs: 60_000, onProgress: (p) => progress.push(p), ...opts,
        }).then(() => undefined, (e: Error) => e);
        return { error, msToVerdict: performance.now() - started, progress };
      } finally {
        sim.stop();
        await env.close();
      }
    },
  },
];
