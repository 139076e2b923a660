/**
 * Test helpers for readiness: a fake waiter clock, a bounded "wait until" on real (millisecond)
 * time, and a scripted stand-in for the InstallPlan controller that writes statuses, Jobs and pods
 * straight into the simulator's store (so a test controls exactly which status the waiter sees and
 * when — e.g. a stale `Installed` right after an update).
 */
import type { ObjectStore } from "../../simulator/store";
import { POD_LOG_ANNOTATION_PREFIX } from "../../simulator/apiServer";
import type { WaiterClock } from "../../components/readiness/clock";
import type { InstallPlan, InstallPlanStatus } from "../../components/kubesphere/types";
import { fnv1a64Hex } from "../../components/config/configHash";
import type { ExpectedInstallPlan } from "../../components/readiness/assess";

/** A waiter clock that only moves when told to; sleeps resolve when their time is reached. */
export class FakeClock implements WaiterClock {
  private t: number;
  private sleepers: Array<{ until: number; resolve: () => void }> = [];

  /** @param start epoch ms to start at. */
  constructor(start = Date.parse("2026-01-01T00:00:00Z")) {
    this.t = start;
  }

  /** Current fake time. */
  now(): number {
    return this.t;
  }

  /** Resolves once the clock has been advanced past `ms` from now, or when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const entry = { until: this.t + Math.max(0, ms), resolve };
      this.sleepers.push(entry);
      signal?.addEventListener("abort", () => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        resolve();
      }, { once: true });
    });
  }

  /** Number of pending sleeps (a waiter blocked on the clock has at least one). */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  /** Jumps to the earliest pending sleep's due time (no-op when none) and wakes it. */
  advanceToNextSleep(): void {
    if (this.sleepers.length === 0) return;
    const next = Math.min(...this.sleepers.map((s) => s.until));
    this.advance(Math.max(0, next - this.t));
  }

  /** Moves time forward and wakes every sleep that is due. */
  advance(ms: number): void {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.until <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.until > this.t);
    for (const s of due) s.resolve();
  }
}

/** Lets real I/O (loopback HTTP) happen for `ms` real milliseconds. */
export function realDelay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits (real time, polling every 2 ms) until `cond` holds; throws after `limitMs` with `what`. */
export async function until(cond: () => boolean, what: string, limitMs = 3_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out (${limitMs} ms real) waiting until ${what}`);
    await realDelay(2);
  }
}

/** Tracks whether a promise has settled, without handling its rejection for the caller. */
export function track<T>(p: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  p.then(() => { done = true; }, () => { done = true; });
  return { settled: () => done, promise: p };
}

/**
 * Runs fake time forward until `p` settles: whenever the code under test is blocked on the clock
 * (a sleep is pending), jump to the earliest sleep's due time; in between, let real I/O run. Time
 * therefore advances only while the waiter is idle, so fake durations are exact.
 */
export async function driveClock<T>(clock: FakeClock, p: Promise<T>, maxSteps = 5_000): Promise<T> {
  const t = track(p);
  for (let i = 0; i < maxSteps && !t.settled(); i++) {
    await realDelay(1);
    if (!t.settled()) clock.advanceToNextSleep();
  }
  if (!t.settled()) throw new Error(`promise did not settle after ${maxSteps} fake-clock steps`);
  return p;
}

/** Expected values for a plan spec. */
export function expectedFor(name: string, version: string, config: string, enabled = true, extra: Partial<ExpectedInstallPlan> = {}): ExpectedInstallPlan {
  return { name, version, configHash: fnv1a64Hex(config), enabled, ...extra };
}

/** A bare InstallPlan as the component would apply it. */
export function planObject(name: string, version: string, config: string, enabled = true, clusters?: string[]): InstallPlan {
  const spec: InstallPlan["spec"] = { extension: { name, version }, enabled, upgradeStrategy: "Manual", config };
  if (clusters) spec.clusterScheduling = { placement: { clusters } };
  return { apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name, finalizers: ["kubesphere.io/installplan-protection"] }, spec };
}

/** A condition as the controller writes it. */
export function condition(type: string, status: "True" | "False", reason: string, message: string) {
  return { type, status, reason, message, lastTransitionTime: "2026-01-01T00:00:10Z" };
}

/**
 * Plays the InstallPlan controller by hand against the simulator store: every call is one status
 * write (one watch event), exactly like the controller's full-object updates (no status subresource).
 */
export class ScriptedController {
  /** @param store the simulator's store. */
  constructor(private readonly store: ObjectStore) {}

  /** Creates the plan (like `pulumi up` would through the Kubernetes provider). */
  apply(plan: InstallPlan): void {
    const existing = this.store.get("installplans", plan.metadata.name);
    if (existing) this.store.update("installplans", { ...existing, spec: plan.spec } as never);
    else this.store.create("installplans", plan as never);
  }

  /** Replaces the plan's status. */
  setStatus(name: string, status: InstallPlanStatus): void {
    const cur = this.store.mustGet("installplans", name);
    this.store.update("installplans", { ...cur, status } as never);
  }

  /** Merges `patch` into the plan's status. */
  patchStatus(name: string, patch: Partial<InstallPlanStatus>): void {
    const cur = this.store.mustGet("installplans", name) as unknown as InstallPlan;
    this.setStatus(name, { ...(cur.status ?? {}), ...patch });
  }

  /** The plan as stored. */
  plan(name: string): InstallPlan | undefined {
    return this.store.get("installplans", name) as unknown as InstallPlan | undefined;
  }

  /** Ensures namespace `ns` exists. */
  namespace(ns: string): void {
    if (!this.store.get("namespaces", ns)) this.store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  }

  /** Creates (or updates) executor Job `name` in `ns` with the given outcome, plus its pod carrying `log`. */
  job(ns: string, name: string, outcome: "active" | "complete" | "failed", log?: string): void {
    this.namespace(ns);
    const conditions = outcome === "complete"
      ? [{ type: "Complete", status: "True", lastTransitionTime: "2026-01-01T00:00:30Z" }]
      : outcome === "failed" ? [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit", lastTransitionTime: "2026-01-01T00:00:30Z" }] : [];
    const status = outcome === "active" ? { active: 1 } : outcome === "complete" ? { succeeded: 1, conditions } : { failed: 1, conditions };
    let job = this.store.get("jobs", name, ns);
    if (!job) {
      job = this.store.create("jobs", {
        apiVersion: "batch/v1", kind: "Job",
        metadata: { name, namespace: ns, labels: { "kubesphere.io/managed": "true" }, annotations: { "executor.kubesphere.io/action": "install" } },
        spec: { backoffLimit: 0, completions: 1, template: { spec: { containers: [{ name: "helm", image: "kubesphere/kubectl:v1.27.16" }] } } },
      });
    }
    this.store.update("jobs", { ...job, status } as never, { subresource: "status" });
    if (log !== undefined) {
      const podName = `${name}-abcde`;
      const existing = this.store.get("pods", podName, ns);
      const phase = outcome === "active" ? "Running" : outcome === "complete" ? "Succeeded" : "Failed";
      const pod = existing ?? this.store.create("pods", {
        apiVersion: "v1", kind: "Pod",
        metadata: { name: podName, namespace: ns, labels: { "job-name": name, "batch.kubernetes.io/job-name": name } },
        spec: { containers: [{ name: "helm", image: "kubesphere/kubectl:v1.27.16" }] },
      });
      const annotated = this.store.update("pods", { ...pod, metadata: { ...pod.metadata, annotations: { [`${POD_LOG_ANNOTATION_PREFIX}helm`]: log } } } as never);
      this.store.update("pods", { ...annotated, status: { phase } } as never, { subresource: "status" });
    }
  }

  /** Removes the finalizer so a deleting plan disappears. */
  finishDeletion(name: string): void {
    const cur = this.store.mustGet("installplans", name);
    this.store.update("installplans", { ...cur, metadata: { ...cur.metadata, finalizers: [] } } as never);
  }
}
