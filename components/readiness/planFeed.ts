/**
 * A live view of one InstallPlan and the executor Jobs a wait cares about, fed by the process-wide
 * shared informers (`components/kube/informer.ts`: one LIST + WATCH of InstallPlans, and of the
 * Jobs of each namespace, per process and API server) plus an explicit GET the waiter triggers on its
 * slow safety-net tick.
 *
 * API faults never surface as plan states: the informer retries them and the feed remembers the
 * last one in {@link PlanFeed.lastApiError} for the timeout message. Only permanent errors
 * (401/403 on the GET) are handed back, since waiting cannot fix them.
 */
import type * as k8s from "@kubernetes/client-node";
import type { InstallPlan } from "../kubesphere/types";
import type { InformerEvent, InformerSubscription } from "../kube/informer";
import { jobStatusOf, JobStatus } from "../kube/jobs";
import { KubeApiError, ReadinessApi, toKubeApiError } from "./kubeApi";

/** What the feed currently knows. */
export interface PlanObservation {
  /** False until the first successful list or get. */
  seen: boolean;
  /** The latest plan; undefined when it does not exist. */
  plan?: InstallPlan;
  /** Increases with every change of `plan`, `seen`, or a watched Job. */
  version: number;
}

/** What the feed knows of one executor Job. */
export interface JobView {
  /** The Job's status; undefined when it does not exist (never created, or deleted). */
  status?: JobStatus;
  /** Whether it was seen to exist during this wait and then deleted. */
  deleted: boolean;
}

/** Options of {@link PlanFeed}. */
export interface PlanFeedOptions {
  /** The API. */
  api: ReadinessApi;
  /** Plan name. */
  name: string;
  /** Called with a short text when an API call failed (the informer retries). */
  onApiTrouble?: (message: string) => void;
}

function rvNumber(rv: string | undefined): bigint | undefined {
  return rv !== undefined && /^\d+$/.test(rv) ? BigInt(rv) : undefined;
}

/** Shared-informer view of one InstallPlan and its Jobs. Call {@link start}, read {@link current}, then {@link stop}. */
export class PlanFeed {
  private readonly opts: PlanFeedOptions;
  private state: PlanObservation = { seen: false, version: 0 };
  private listeners: Array<() => void> = [];
  private plans?: InformerSubscription<InstallPlan>;
  private readonly jobSubs = new Map<string, InformerSubscription<k8s.V1Job>>();
  private readonly jobsSeen = new Set<string>();
  private readonly jobsDeleted = new Set<string>();
  private stopped = false;
  /** Message of the last failed API call (cleared by the next success). */
  lastApiError?: string;
  /** A permanent API error (401/403) seen by the informer, which waiting cannot fix. */
  permanentError?: KubeApiError;

  /** @param opts see {@link PlanFeedOptions}. */
  constructor(opts: PlanFeedOptions) {
    this.opts = opts;
  }

  /** Subscribes to the shared InstallPlan informer. */
  start(): void {
    this.plans = this.opts.api.subscribePlans((e) => this.onPlanEvent(e));
    if (this.plans.synced) this.accept(this.plans.get(this.opts.name), true);
  }

  /** Leaves every informer (each stops when its last subscriber leaves). */
  stop(): void {
    this.stopped = true;
    this.plans?.release();
    for (const s of this.jobSubs.values()) s.release();
    this.jobSubs.clear();
    this.wake();
  }

  /** The latest observation. */
  current(): PlanObservation {
    return this.state;
  }

  /** Watches the Jobs of `namespace` (idempotent; executor Jobs run in the plan's target namespace). */
  watchJobs(namespace: string): void {
    if (this.stopped || this.jobSubs.has(namespace)) return;
    const sub = this.opts.api.subscribeJobs(namespace, (e) => this.onJobEvent(e));
    this.jobSubs.set(namespace, sub);
  }

  /** Whether the Jobs of `namespace` are known (first LIST done); until then a missing Job proves nothing. */
  jobsSynced(namespace: string): boolean {
    return this.jobSubs.get(namespace)?.synced ?? false;
  }

  /** Whether the Job informer of `namespace` cannot work (no list/watch permission). */
  jobsUnreadable(namespace: string): KubeApiError | undefined {
    const e = this.jobSubs.get(namespace)?.lastError;
    return e && (e.kind === "forbidden" || e.kind === "unauthorized") ? e : undefined;
  }

  /** What is known of Job `name` in `namespace`. */
  job(namespace: string, name: string): JobView {
    const j = this.jobSubs.get(namespace)?.get(name);
    return { status: j ? jobStatusOf(j) : undefined, deleted: !j && this.jobsDeleted.has(`${namespace}/${name}`) };
  }

  /**
   * Resolves once `current().version` is greater than `version`, the feed stops, or `cancel`
   * aborts (which also unregisters the listener).
   */
  changed(version: number, cancel?: AbortSignal): Promise<void> {
    if (this.state.version > version || this.stopped || cancel?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.listeners = this.listeners.filter((l) => l !== check);
        cancel?.removeEventListener("abort", done);
        resolve();
      };
      const check = () => {
        if (this.state.version > version || this.stopped) done();
      };
      this.listeners.push(check);
      cancel?.addEventListener("abort", done, { once: true });
    });
  }

  /** Number of registered change listeners (diagnostics and tests). */
  get listenerCount(): number {
    return this.listeners.length;
  }

  /**
   * One GET of the plan (the slow safety net). Transient failures are recorded and swallowed; a
   * permanent one (401, 403, ...) is thrown.
   */
  async poll(): Promise<void> {
    try {
      const plan = await this.opts.api.getInstallPlan(this.opts.name);
      this.lastApiError = undefined;
      this.accept(plan, false);
    } catch (e) {
      const err = toKubeApiError(`GET installplans/${this.opts.name}`, this.opts.api.server, e);
      this.trouble(err);
      if (!err.transient) throw err;
    }
  }

  private onPlanEvent(e: InformerEvent<InstallPlan>): void {
    if (this.stopped) return;
    switch (e.type) {
      case "SYNCED":
        this.accept(this.plans?.get(this.opts.name), true);
        return;
      case "ERROR":
        this.trouble(e.error);
        if (e.permanent && e.error.kind !== "notFound") {
          this.permanentError = e.error;
          this.bump();
        }
        return;
      default:
        if (e.object.metadata?.name !== this.opts.name) return;
        this.accept(e.type === "DELETED" ? undefined : e.object, true);
    }
  }

  private onJobEvent(e: InformerEvent<k8s.V1Job>): void {
    if (this.stopped) return;
    if (e.type === "ERROR") { this.trouble(e.error); this.bump(); return; }
    if (e.type === "SYNCED") {
      for (const [ns, sub] of this.jobSubs) for (const key of this.jobsSeen) {
        if (key.startsWith(`${ns}/`) && !sub.get(key.slice(ns.length + 1))) this.jobsDeleted.add(key);
      }
      this.bump();
      return;
    }
    const key = `${e.object.metadata?.namespace}/${e.object.metadata?.name}`;
    if (e.type === "DELETED") this.jobsDeleted.add(key);
    else { this.jobsSeen.add(key); this.jobsDeleted.delete(key); }
    this.bump();
  }

  /**
   * Records an observation unless it is older than the one held (a slow GET racing a watch event).
   * Informer observations (`authoritative`) always apply.
   */
  private accept(plan: InstallPlan | undefined, authoritative: boolean): void {
    const prev = this.state;
    if (!authoritative && prev.plan && plan) {
      const n = rvNumber(plan.metadata?.resourceVersion);
      const cur = rvNumber(prev.plan.metadata?.resourceVersion);
      if (n !== undefined && cur !== undefined && n < cur && prev.plan.metadata?.uid === plan.metadata?.uid) return;
    }
    const same = prev.seen && prev.plan?.metadata?.resourceVersion === plan?.metadata?.resourceVersion && (prev.plan === undefined) === (plan === undefined);
    if (same) return;
    this.state = { seen: true, plan, version: prev.version + 1 };
    this.wake();
  }

  private bump(): void {
    this.state = { ...this.state, version: this.state.version + 1 };
    this.wake();
  }

  private wake(): void {
    for (const l of [...this.listeners]) l();
  }

  private trouble(err: KubeApiError): void {
    // The informer retries with backoff; the same failure is reported once, not on every retry.
    if (err.message === this.lastApiError) return;
    this.lastApiError = err.message;
    this.opts.onApiTrouble?.(err.message);
  }
}
