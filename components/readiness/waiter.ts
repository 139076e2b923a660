/**
 * Event-driven waits on an InstallPlan: {@link waitForInstallPlan} (until the controller reports
 * exactly the applied spec installed) and {@link waitForInstallPlanDeletion} (until it is gone).
 *
 * Unlike `pulumi.com/waitFor` (docs/readiness.md), these
 *
 * * never accept a status that belongs to the previous spec (version/configHash/enabled checks),
 * * fail as soon as the controller reports a failure for this spec, with the condition message and
 *   the tail of the executor pod's log fetched right then,
 * * report a plan that cannot progress (`Stalled`) instead of waiting for the timeout, and
 * * on timeout say what state was last seen and what to check.
 *
 * Observations come from the process-wide shared InstallPlan and Job informers (one LIST + WATCH per
 * kind, namespace and API server, whatever the number of waits) plus a slow safety-net GET; every
 * decision is made by the pure functions in `assess.ts`. API faults are retried and never reported
 * as extension failures. While a wait runs it keeps the event loop alive (a ref'd timer), so a
 * library caller's promise always settles. Rules and bounds: docs/readiness.md.
 */
import * as k8s from "@kubernetes/client-node";
import type { InstallPlan } from "../kubesphere/types";
import {
  assessInstallPlan, assessInstallPlanDeletion, DEFAULT_JOB_GONE_GRACE_MS, DEFAULT_STALL_GRACE_MS, describeTransition, ExpectedInstallPlan,
  InstallPlanAssessment, JobObservation, latestConditionMessage,
} from "./assess";
import { BackoffOptions, backoffDelay, systemClock, WaiterClock } from "./clock";
import { InstallPlanChangedError, InstallPlanFailedError, InstallPlanStalledError, InstallPlanTimeoutError, InstallPlanWaitAbortedError } from "./errors";
import { KubeClient } from "../kube/client";
import { clientReadinessApi, ContainerLog, jobObservation, KubeApiError, ReadinessApi, toKubeApiError } from "./kubeApi";
import { DEFAULT_LOG_TAIL_LINES, formatFailure, formatTimeout } from "./messages";
import { PlanFeed } from "./planFeed";

/** A progress report while waiting. */
export interface ReadinessProgress {
  /** `transition`: the plan's state changed; `warning`: something worth knowing (pre-Job failure, API trouble). */
  kind: "transition" | "warning";
  /** One line, e.g. `devops: Installing → Installed (host), member1: Installing`. */
  message: string;
  /** The assessment behind a transition. */
  assessment?: InstallPlanAssessment;
  /** Time since the wait started (waiter clock). */
  elapsedMs: number;
}

/** Options shared by both waits. */
export interface CommonWaitOptions {
  /** Kubeconfig to talk to the host cluster. Either this or `api` is required. */
  kubeConfig?: k8s.KubeConfig;
  /** Use this API instead of one built from `kubeConfig` (adapters). */
  api?: ReadinessApi;
  /** InstallPlan name. */
  name: string;
  /** Give up after this long (waiter clock), with an {@link InstallPlanTimeoutError}. */
  timeoutMs: number;
  /** Progress lines (state transitions, warnings). */
  onProgress?: (p: ReadinessProgress) => void;
  /** Time source; defaults to the system clock. */
  clock?: WaiterClock;
  /**
   * Slow poll fallback: a GET of the plan (and a refresh of running executor Jobs) this often, in
   * case the watch misses something. Defaults to 5 000 ms.
   */
  pollIntervalMs?: number;
  /** Cancels the wait (rejects with {@link InstallPlanWaitAbortedError}). */
  signal?: AbortSignal;
  /** Lines of the executor pod's log to include in failures. Defaults to 40. */
  logTailLines?: number;
  /** Backoff for retried API calls (DELETE, PATCH, log reads). */
  backoff?: BackoffOptions;
  /** Per-request deadline when the API is built from `kubeConfig`. Defaults to 15 000 ms. */
  requestTimeoutMs?: number;
  /** Watch connect/idle bound when the API is built from `kubeConfig`. Defaults to 30 000 ms. */
  watchIdleMs?: number;
  /**
   * On failure, how long to wait for the executor Job to finish before reading its pod's log, so
   * the tail includes Helm's final error (the failure is often visible a moment before the pod
   * exits). Defaults to {@link DEFAULT_LOG_SETTLE_MS}.
   */
  logSettleMs?: number;
}

/** Default of {@link CommonWaitOptions.logSettleMs}: 3 s. */
export const DEFAULT_LOG_SETTLE_MS = 3_000;

/** Options of {@link waitForInstallPlan}. */
export interface WaitForInstallPlanOptions extends CommonWaitOptions {
  /** What the plan must show (see `ExpectedInstallPlan`). */
  expected: ExpectedInstallPlan;
  /**
   * Before accepting `Installed`, check that the executor Jobs completed (docs/readiness.md rule 4,
   * against the early-Installed skew of docs/kubesphere-behavior.md §6.3), and watch in-progress Jobs for
   * the clock-skew stall. Needs read access to Jobs; a Job that cannot be read is ignored.
   * Defaults to true.
   */
  verifyJobs?: boolean;
  /** How long a finished Job may go unreflected before the plan counts as Stalled. Defaults to 30 000 ms. */
  stallGraceMs?: number;
  /** How long an executor Job may be missing while its scope is in progress before it counts as Stalled. Defaults to 2 000 ms. */
  jobGoneGraceMs?: number;
  /** The component's current `retry` value, so the failure message can say which value to set next. */
  retry?: number;
}

/** Per-cluster outcome as exposed in outputs. */
export interface ClusterOutcome {
  /** Entry `state`. */
  state: string;
  /** Entry `version`. */
  version?: string;
}

/** What {@link waitForInstallPlan} resolves with. */
export interface InstallPlanReady {
  /** `status.state` (`Installed`). */
  state: string;
  /** `status.version`. */
  installedVersion: string;
  /** `status.targetNamespace`. */
  targetNamespace: string;
  /** `status.jobName` (may be empty when nothing was ever run, e.g. an enabled flip). */
  jobName: string;
  /** Per expected cluster: state and version. */
  clusterStates: Record<string, ClusterOutcome>;
  /** The plan as last observed. */
  plan: InstallPlan;
  /** The final assessment. */
  assessment: InstallPlanAssessment;
  /** How long the wait took (waiter clock). */
  waitedMs: number;
}

const IN_PROGRESS_OR_DONE = new Set(["Installing", "Upgrading", "Installed"]);

/**
 * What the wait knows of its executor Jobs, from the shared Job informer of the plan's namespace:
 * when each was first seen finished and first seen missing (observer clock, so stall detection is
 * immune to the very clock skew it detects).
 */
class JobTracker {
  private readonly finishedAt = new Map<string, number>();
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly feed: PlanFeed, private readonly clock: WaiterClock) {}

  /** Known Jobs among `names` in `namespace`, as assessment input. Nothing is known before the informer's first LIST. */
  observations(namespace: string, names: string[]): Record<string, JobObservation> {
    this.feed.watchJobs(namespace);
    const out: Record<string, JobObservation> = {};
    if (!this.feed.jobsSynced(namespace)) return out;
    for (const n of names) {
      const view = this.feed.job(namespace, n);
      if (view.status) {
        this.missingSince.delete(n);
        if ((view.status.complete || view.status.failed) && !this.finishedAt.has(n)) this.finishedAt.set(n, this.clock.now());
        out[n] = jobObservation(view.status, this.finishedAt.get(n));
      } else if (!this.finishedAt.has(n)) {
        // Missing and never seen finished: deleted mid-run, or not yet delivered by the Job stream.
        if (!this.missingSince.has(n)) this.missingSince.set(n, this.clock.now());
        out[n] = { complete: false, failed: false, gone: true, goneSince: this.missingSince.get(n) };
      }
    }
    return out;
  }

  /** Earliest time a grace period (finished-but-unreflected, or missing) among `names` ends. */
  graceEndsAt(names: string[], stallGraceMs: number, goneGraceMs: number): number | undefined {
    let t: number | undefined;
    const consider = (at: number | undefined) => { if (at !== undefined && (t === undefined || at < t)) t = at; };
    for (const n of names) {
      const f = this.finishedAt.get(n);
      consider(f !== undefined ? f + stallGraceMs : undefined);
      const m = this.missingSince.get(n);
      consider(m !== undefined ? m + goneGraceMs : undefined);
    }
    return t;
  }
}

/** Executor Jobs whose status matters for `plan`: the host's and each expected cluster's, while in progress or just installed. */
function relevantJobs(plan: InstallPlan | undefined, clusters: string[]): string[] {
  const st = plan?.status;
  if (!st) return [];
  const names: string[] = [];
  if (st.jobName && IN_PROGRESS_OR_DONE.has(st.state ?? "")) names.push(st.jobName);
  for (const c of clusters) {
    const e = st.clusterSchedulingStatuses?.[c];
    if (e?.jobName && IN_PROGRESS_OR_DONE.has(e.state ?? "")) names.push(e.jobName);
  }
  return names;
}

/** Retries `fn` on transient API errors with backoff, at most `attempts` times (also the rollout's patches). */
export async function withRetry<T>(fn: () => Promise<T>, clock: WaiterClock, attempts: number, backoff?: BackoffOptions, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const err = e instanceof KubeApiError ? e : toKubeApiError("request", "", e);
      if (!err.transient || attempt >= attempts || signal?.aborted) throw err;
      await clock.sleep(backoffDelay(attempt, backoff), signal);
    }
  }
}

/** What one evaluation step decided. */
type Step<T> = { done: T } | { fail: Error } | { wakeAt?: number };

/** Keeps the event loop alive while a wait runs (the informer's and the clock's timers are unref'd). */
function holdEventLoop(): () => void {
  const timer = setInterval(() => undefined, 60_000);
  return () => clearInterval(timer);
}

/** The event/poll/timeout loop shared by both waits. `step` turns the latest plan into a decision. */
async function runWaitLoop<T>(
  o: CommonWaitOptions,
  api: ReadinessApi,
  feed: PlanFeed,
  step: (plan: InstallPlan | undefined, tick: boolean) => Promise<Step<T>>,
  onTimeout: (waitedMs: number) => Promise<Error>,
): Promise<T> {
  const clock = o.clock ?? systemClock;
  const pollInterval = o.pollIntervalMs ?? 5_000;
  const start = clock.now();
  const deadline = start + o.timeoutMs;
  const release = holdEventLoop();
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    if (o.signal?.aborted) resolve();
  });
  o.signal?.addEventListener("abort", onAbort, { once: true });
  feed.start();
  let nextPoll = start + pollInterval;
  let lastVersion = 0;
  let force = false;
  try {
    for (;;) {
      if (o.signal?.aborted) throw new InstallPlanWaitAbortedError(o.name);
      if (feed.permanentError) throw feed.permanentError;
      const tick = clock.now() >= nextPoll;
      if (tick) {
        await feed.poll();
        nextPoll = clock.now() + pollInterval;
      }
      const obs = feed.current();
      let wakeAt: number | undefined;
      const changed = obs.version !== lastVersion;
      lastVersion = obs.version;
      if (obs.seen && (changed || tick || force)) {
        force = false;
        const r = await step(obs.plan, tick);
        if ("done" in r) return r.done;
        if ("fail" in r) throw r.fail;
        wakeAt = r.wakeAt;
      }
      if (clock.now() >= deadline) throw await onTimeout(clock.now() - start);
      const sleeper = new AbortController();
      const until = Math.min(nextPoll, deadline, wakeAt ?? Infinity);
      await Promise.race([feed.changed(lastVersion, sleeper.signal), clock.sleep(Math.max(0, until - clock.now()), sleeper.signal), aborted]);
      sleeper.abort();
      // A grace period ended: re-evaluate even without a new event.
      if (wakeAt !== undefined && clock.now() >= wakeAt) force = true;
    }
  } finally {
    feed.stop();
    release();
    o.signal?.removeEventListener("abort", onAbort);
  }
}

function apiFor(o: CommonWaitOptions): ReadinessApi {
  if (o.api) return o.api;
  if (!o.kubeConfig) throw new Error(`waiting for InstallPlan ${o.name}: either kubeConfig or api is required`);
  return clientReadinessApi(new KubeClient(o.kubeConfig, { requestTimeoutMs: o.requestTimeoutMs, watchIdleMs: o.watchIdleMs }));
}

function newFeed(o: CommonWaitOptions, api: ReadinessApi, clock: WaiterClock, start: number): PlanFeed {
  return new PlanFeed({
    api, name: o.name,
    onApiTrouble: (m) => o.onProgress?.({ kind: "warning", message: `Kubernetes API trouble (retrying): ${m}`, elapsedMs: clock.now() - start }),
  });
}

/**
 * Fetches the log tail of `jobName`'s pod, retrying transient errors a few times. With `settleMs`,
 * first waits (at most that long, on Job events) for the Job to finish: a failure is often seen
 * through Helm's release before the pod has exited, and the last lines — Helm's error — are the
 * ones that matter.
 */
async function fetchLogs(api: ReadinessApi, o: CommonWaitOptions, clock: WaiterClock, feed: PlanFeed | undefined, namespace: string | undefined, jobName: string | undefined, settleMs = 0):
  Promise<{ logs?: ContainerLog[]; logError?: string }> {
  if (!jobName || !namespace) return {};
  const settleUntil = clock.now() + settleMs;
  if (feed && settleMs > 0) {
    feed.watchJobs(namespace);
    while (clock.now() < settleUntil && !o.signal?.aborted) {
      const view = feed.job(namespace, jobName);
      if (feed.jobsSynced(namespace) && (!view.status || view.status.complete || view.status.failed)) break;
      if (feed.jobsUnreadable(namespace)) break;
      const cancel = new AbortController();
      const v = feed.current().version;
      await Promise.race([feed.changed(v, cancel.signal), clock.sleep(settleUntil - clock.now(), cancel.signal)]);
      cancel.abort();
    }
  }
  try {
    const tail = await withRetry(() => api.jobLogTails(namespace, jobName, o.logTailLines ?? DEFAULT_LOG_TAIL_LINES), clock, 4, o.backoff, o.signal);
    return tail.problem !== undefined ? { logs: tail.logs, logError: tail.problem } : { logs: tail.logs };
  } catch (e) {
    return { logError: `the executor pod's log is not available: ${(e as Error).message}` };
  }
}

/** Whether the deciding scope's verdict is about its Job being gone (no point waiting for it to finish). */
function scopeJobGone(a: InstallPlanAssessment, cluster: string | undefined): boolean {
  const scope = cluster !== undefined ? a.clusters[cluster] : a.host;
  return /no longer exists/.test(scope.message);
}

/** Builds the Failed/Stalled error for assessment `a` of `plan`, with the log tail of the failed scope's Job. */
async function problemError(
  api: ReadinessApi, o: CommonWaitOptions, clock: WaiterClock, feed: PlanFeed, plan: InstallPlan | undefined, a: InstallPlanAssessment,
  phase: "install" | "delete", retry?: number,
): Promise<InstallPlanFailedError> {
  const cluster = a.decidedBy;
  const scope = cluster !== undefined ? a.clusters[cluster] : a.host;
  const entry = cluster !== undefined ? plan?.status?.clusterSchedulingStatuses?.[cluster] : plan?.status;
  const jobNamespace = plan?.status?.targetNamespace;
  const jobName = scope.jobName;
  const { logs, logError } = await fetchLogs(api, o, clock, feed, jobNamespace, jobName, scopeJobGone(a, cluster) ? 0 : o.logSettleMs ?? DEFAULT_LOG_SETTLE_MS);
  const kind = a.status === "Stalled" ? "Stalled" : "Failed";
  const message = formatFailure({
    planName: o.name, kind, assessment: a, cluster, jobName, jobNamespace, logs, logError,
    tailLines: o.logTailLines ?? DEFAULT_LOG_TAIL_LINES, retry, deletion: phase === "delete",
  });
  const details = {
    planName: o.name, phase, assessment: a, state: scope.state,
    conditionMessage: kind === "Failed" && entry?.conditions?.length ? latestConditionMessage(entry) : scope.message,
    cluster, jobName, jobNamespace, logs,
  };
  return kind === "Stalled" ? new InstallPlanStalledError(message, details) : new InstallPlanFailedError(message, details);
}

/**
 * Waits until InstallPlan `name` shows exactly `expected` installed (host and every expected
 * cluster), and resolves with the final state. Rejects with
 *
 * * {@link InstallPlanFailedError} as soon as the install/upgrade of this spec failed (host or any
 *   cluster), carrying the condition message, the Job and its pod's log tail, and how to retry;
 * * {@link InstallPlanStalledError} when the plan cannot progress (e.g. clock skew, docs/kubesphere-behavior.md §6.3);
 * * {@link InstallPlanTimeoutError} after `timeoutMs`, naming the last state and what to check;
 * * {@link InstallPlanChangedError} at the first event showing that someone else deleted or
 *   re-created the plan (uid change) or changed its spec (version, config, enabled);
 * * a {@link KubeApiError} only for permanent API errors (401/403); transient ones are retried.
 *
 * @example
 * const kc = new k8s.KubeConfig(); kc.loadFromDefault();
 * const ready = await waitForInstallPlan({ kubeConfig: kc, name: "devops", expected, timeoutMs: 600_000,
 *   onProgress: (p) => console.log(p.message) });
 */
export async function waitForInstallPlan(o: WaitForInstallPlanOptions): Promise<InstallPlanReady> {
  const api = apiFor(o);
  const clock = o.clock ?? systemClock;
  const start = clock.now();
  const grace = o.stallGraceMs ?? DEFAULT_STALL_GRACE_MS;
  const goneGrace = o.jobGoneGraceMs ?? DEFAULT_JOB_GONE_GRACE_MS;
  const verifyJobs = o.verifyJobs ?? true;
  const clusters = Object.keys(o.expected.clusters ?? {});
  const feed = newFeed(o, api, clock, start);
  const jobs = new JobTracker(feed, clock);
  let prev: InstallPlanAssessment | undefined;
  let reportedPreJob: string | undefined;
  let lastPlan: InstallPlan | undefined;
  let uid: string | undefined;

  const progress = (a: InstallPlanAssessment) => {
    const line = describeTransition(prev, a);
    const elapsedMs = clock.now() - start;
    if (line !== undefined) o.onProgress?.({ kind: "transition", message: line, assessment: a, elapsedMs });
    if (a.preJobFailure && a.preJobFailure !== reportedPreJob) {
      reportedPreJob = a.preJobFailure;
      o.onProgress?.({ kind: "warning", message: `${o.name}: the controller failed before creating a Job and will retry: ${a.preJobFailure}`, assessment: a, elapsedMs });
    }
    prev = a;
  };

  return runWaitLoop<InstallPlanReady>(o, api, feed, async (plan): Promise<Step<InstallPlanReady>> => {
    // Someone else deleted or re-created the plan: what was applied will never be reported.
    if (uid !== undefined && !plan) return { fail: new InstallPlanChangedError(o.name, "deleted", [`uid ${uid} is gone`]) };
    if (uid !== undefined && plan?.metadata?.uid && plan.metadata.uid !== uid) {
      return { fail: new InstallPlanChangedError(o.name, "recreated", [`uid ${uid} → ${plan.metadata.uid}`]) };
    }
    if (plan?.metadata?.uid) uid = plan.metadata.uid;
    lastPlan = plan;
    const ns = plan?.status?.targetNamespace;
    const names = relevantJobs(plan, clusters);
    const jobObs = verifyJobs && ns && names.length > 0 ? jobs.observations(ns, names) : undefined;
    const a = assessInstallPlan(plan, o.expected, { now: clock.now(), stallGraceMs: grace, jobGoneGraceMs: goneGrace, jobs: jobObs });
    if (a.status === "Ready" && jobObs !== undefined && ns && !feed.jobsSynced(ns) && !feed.jobsUnreadable(ns)) {
      // The Job informer's first LIST is under way: judging Installed now would skip the Job check.
      // Its SYNCED event wakes the loop.
      return {};
    }
    progress(a);
    if (a.specChanged) return { fail: new InstallPlanChangedError(o.name, "specChanged", a.specChanged) };
    switch (a.status) {
      case "Ready": {
        const st = plan!.status!;
        const clusterStates: Record<string, ClusterOutcome> = {};
        for (const c of clusters) {
          const e = st.clusterSchedulingStatuses?.[c];
          clusterStates[c] = e?.version !== undefined ? { state: e.state ?? "", version: e.version } : { state: e?.state ?? "" };
        }
        return {
          done: {
            state: st.state ?? "", installedVersion: st.version ?? "", targetNamespace: st.targetNamespace ?? "",
            jobName: st.jobName ?? "", clusterStates, plan: plan!, assessment: a, waitedMs: clock.now() - start,
          },
        };
      }
      case "Failed":
      case "Stalled":
        return { fail: await problemError(api, o, clock, feed, plan, a, "install", o.retry) };
      default: {
        // Job events wake the loop; only the end of a grace period needs a timer.
        const wakeAt = verifyJobs ? jobs.graceEndsAt(names, grace, goneGrace) : undefined;
        return wakeAt !== undefined && wakeAt > clock.now() ? { wakeAt } : {};
      }
    }
  }, async (waitedMs) => {
    const spec = lastPlan?.spec?.extension ?? { name: o.name, version: o.expected.version };
    const extension = { name: spec.name, version: o.expected.version };
    let extensionVersionExists: boolean | undefined;
    try {
      extensionVersionExists = await api.extensionVersionExists(`${extension.name}-${extension.version}`);
    } catch { /* best effort */ }
    const ns = lastPlan?.status?.targetNamespace;
    const runningJob = prev?.host.jobName && (prev.hostState === "Installing" || prev.hostState === "Upgrading") ? prev.host.jobName : undefined;
    const { logs } = await fetchLogs(api, { ...o, signal: undefined }, clock, undefined, ns, runningJob);
    const message = formatTimeout({
      planName: o.name, goal: "ready", waitedMs, last: prev, extension, extensionVersionExists, targetNamespace: ns, logs,
      lastApiError: feed.lastApiError, tailLines: o.logTailLines ?? DEFAULT_LOG_TAIL_LINES,
    });
    return new InstallPlanTimeoutError(message, o.name, waitedMs, prev);
  });
}

/** Options of {@link waitForInstallPlanDeletion}. */
export interface WaitForDeletionOptions extends CommonWaitOptions {
  /** Send the DELETE first (Background propagation). Defaults to false (only wait). */
  issueDelete?: boolean;
  /**
   * Before deleting, add `kubesphere.io/force-delete` so the controller uninstalls the host release
   * in-process with hooks disabled (docs/kubesphere-behavior.md §5 step 5). Only with `issueDelete`.
   */
  forceDelete?: boolean;
}

/** What {@link waitForInstallPlanDeletion} resolves with. */
export interface InstallPlanDeleted {
  /** Whether the plan existed when the wait started. */
  existed: boolean;
  /** How long the wait took (waiter clock). */
  waitedMs: number;
}

/**
 * Waits until InstallPlan `name` is gone (optionally deleting it first). Rejects with
 * {@link InstallPlanFailedError} on `UninstallFailed` (host or agent) with the uninstall Job's log,
 * {@link InstallPlanStalledError} when the plan's ExtensionVersion is missing so the deletion can
 * never run (docs/kubesphere-behavior.md §5 step 2), and {@link InstallPlanTimeoutError} otherwise.
 */
export async function waitForInstallPlanDeletion(o: WaitForDeletionOptions): Promise<InstallPlanDeleted> {
  const api = apiFor(o);
  const clock = o.clock ?? systemClock;
  const start = clock.now();
  const retrying = <T>(fn: () => Promise<T>) => withRetry(fn, clock, 8, o.backoff, o.signal);
  let existed = true;
  if (o.issueDelete) {
    if (o.forceDelete) existed = await retrying(() => api.annotateInstallPlan(o.name, "kubesphere.io/force-delete", "true"));
    if (existed) existed = await retrying(() => api.deleteInstallPlan(o.name));
    if (!existed) return { existed: false, waitedMs: clock.now() - start };
  }
  let prev: InstallPlanAssessment | undefined;
  let evExists: boolean | undefined;
  let lastPlan: InstallPlan | undefined;
  let firstObservation = true;
  const feed = newFeed(o, api, clock, start);
  return runWaitLoop<InstallPlanDeleted>(o, api, feed, async (plan, tick): Promise<Step<InstallPlanDeleted>> => {
    lastPlan = plan ?? lastPlan;
    if (firstObservation && !plan && !o.issueDelete) existed = false;
    firstObservation = false;
    if (plan?.metadata?.deletionTimestamp && (evExists === undefined || tick)) {
      const ev = `${plan.spec?.extension?.name}-${plan.spec?.extension?.version}`;
      try { evExists = await api.extensionVersionExists(ev); } catch { /* unknown: keep waiting */ }
    }
    const a = { ...assessInstallPlanDeletion(plan, { extensionVersionExists: evExists }), name: o.name };
    const line = describeTransition(prev, a);
    if (line !== undefined) o.onProgress?.({ kind: "transition", message: line, assessment: a, elapsedMs: clock.now() - start });
    prev = a;
    if (a.status === "Ready") return { done: { existed, waitedMs: clock.now() - start } };
    if (a.status === "Failed" || a.status === "Stalled") return { fail: await problemError(api, o, clock, feed, plan, a, "delete") };
    return {};
  }, async (waitedMs) => {
    const ext = lastPlan?.spec?.extension;
    const message = formatTimeout({
      planName: o.name, goal: "deleted", waitedMs, last: prev, extension: ext, extensionVersionExists: evExists,
      targetNamespace: lastPlan?.status?.targetNamespace, lastApiError: feed.lastApiError,
    });
    return new InstallPlanTimeoutError(message, o.name, waitedMs, prev);
  });
}
