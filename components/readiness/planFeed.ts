/**
 * A live view of one InstallPlan fed by a watch (list, then watch from the list's resourceVersion,
 * resumed from the last resourceVersion after a dropped stream, re-listed after 410 Gone) and by an
 * explicit poll the waiter triggers on its slow fallback tick.
 *
 * API faults never surface as plan states: they are retried with backoff and remembered in
 * {@link PlanFeed.lastApiError} for the timeout message. Only permanent errors (401/403 and other
 * non-retryable 4xx on the poll) are handed back, since waiting cannot fix them.
 */
import type { InstallPlan } from "../kubesphere/types";
import { BackoffOptions, backoffDelay, WaiterClock } from "./clock";
import { KubeApiError, PlanWatch, ReadinessApi, toKubeApiError } from "./kubeApi";

/** What the feed currently knows. */
export interface PlanObservation {
  /** False until the first successful list, get or watch event. */
  seen: boolean;
  /** The latest plan; undefined when it does not exist. */
  plan?: InstallPlan;
  /** Increases with every change of `plan` or `seen`. */
  version: number;
}

/** Options of {@link PlanFeed}. */
export interface PlanFeedOptions {
  /** The API. */
  api: ReadinessApi;
  /** Plan name. */
  name: string;
  /** Clock for backoff. */
  clock: WaiterClock;
  /** Backoff between watch restarts after errors. */
  backoff?: BackoffOptions;
  /** Called with a short text when the watch had to be restarted or an API call failed. */
  onApiTrouble?: (message: string) => void;
}

/** Parses a resourceVersion as an integer when it is one (etcd's are); undefined otherwise. */
function rvNumber(rv: string | undefined): bigint | undefined {
  if (rv === undefined || !/^\d+$/.test(rv)) return undefined;
  return BigInt(rv);
}

/** Watch + poll view of one InstallPlan. Call {@link start}, read {@link current}, then {@link stop}. */
export class PlanFeed {
  private readonly opts: PlanFeedOptions;
  private readonly stopper = new AbortController();
  private state: PlanObservation = { seen: false, version: 0 };
  private lastRv?: bigint;
  private listeners: Array<() => void> = [];
  private activeWatch?: PlanWatch;
  /** Message of the last failed API call (cleared by the next success). */
  lastApiError?: string;
  /** Number of watch (re)starts, for tests and diagnostics. */
  watchStarts = 0;
  /** Number of re-lists caused by 410 Gone or a fresh start. */
  lists = 0;

  /** @param opts see {@link PlanFeedOptions}. */
  constructor(opts: PlanFeedOptions) {
    this.opts = opts;
  }

  /** Starts the watch loop in the background. */
  start(): void {
    void this.watchLoop();
  }

  /** Stops the watch loop and any open watch. */
  stop(): void {
    this.stopper.abort();
    this.activeWatch?.stop();
    this.wake();
  }

  /** The latest observation. */
  current(): PlanObservation {
    return this.state;
  }

  /**
   * Resolves once `current().version` is greater than `version`, the feed stops, or `cancel`
   * aborts (which also unregisters the listener, so a caller racing this against a timer per loop
   * iteration leaves nothing behind).
   */
  changed(version: number, cancel?: AbortSignal): Promise<void> {
    if (this.state.version > version || this.stopper.signal.aborted || cancel?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.listeners = this.listeners.filter((l) => l !== check);
        cancel?.removeEventListener("abort", done);
        resolve();
      };
      const check = () => {
        if (this.state.version > version || this.stopper.signal.aborted) done();
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
   * One GET of the plan (the slow fallback). Transient failures are recorded and swallowed; a
   * permanent one (401, 403, ...) is thrown.
   */
  async poll(): Promise<void> {
    try {
      const plan = await this.opts.api.getInstallPlan(this.opts.name);
      this.lastApiError = undefined;
      this.accept(plan, plan?.metadata?.resourceVersion, false);
    } catch (e) {
      const err = toKubeApiError(`GET installplans/${this.opts.name}`, e);
      this.trouble(err);
      if (!err.transient) throw err;
    }
  }

  /**
   * Records an observation unless it is older than one already seen (a slow GET racing a watch
   * event). `authoritative` observations (lists, and 404s that carry no resourceVersion) always apply.
   */
  private accept(plan: InstallPlan | undefined, rv: string | undefined, authoritative: boolean): void {
    const n = rvNumber(rv);
    if (!authoritative && n !== undefined && this.lastRv !== undefined && n < this.lastRv) return;
    if (n !== undefined) this.lastRv = n;
    const prev = this.state;
    const same = prev.seen && prev.plan?.metadata?.resourceVersion === plan?.metadata?.resourceVersion && (prev.plan === undefined) === (plan === undefined);
    if (same) return;
    this.state = { seen: true, plan, version: prev.version + 1 };
    this.wake();
  }

  private wake(): void {
    for (const l of [...this.listeners]) l();
  }

  private trouble(err: KubeApiError): void {
    this.lastApiError = err.message;
    this.opts.onApiTrouble?.(err.message);
  }

  private async watchLoop(): Promise<void> {
    const { api, name, clock } = this.opts;
    const signal = this.stopper.signal;
    let rv: string | undefined;
    let failures = 0;
    while (!signal.aborted) {
      let relist = false;
      try {
        if (rv === undefined) {
          this.lists++;
          const listed = await api.listInstallPlan(name);
          this.lastApiError = undefined;
          this.accept(listed.plan, listed.plan?.metadata?.resourceVersion, true);
          rv = listed.resourceVersion;
        }
        if (signal.aborted) return;
        let events = 0;
        let watchError: KubeApiError | undefined;
        this.watchStarts++;
        const from = rv;
        const w = await api.watchInstallPlan(name, from, (e) => {
          if (signal.aborted || relist) return;
          switch (e.type) {
            case "BOOKMARK":
              events++; // the stream is alive
              rv = e.resourceVersion;
              break;
            case "ERROR":
              // 410 Gone/Expired: our resourceVersion was compacted; list again.
              if (e.code === 410) relist = true;
              else watchError = new KubeApiError(`WATCH installplans/${name}`, e.message, e.code);
              this.activeWatch?.stop();
              break;
            default:
              events++;
              rv = e.plan.metadata?.resourceVersion ?? rv;
              this.accept(e.type === "DELETED" ? undefined : e.plan, e.plan.metadata?.resourceVersion, false);
          }
        });
        this.activeWatch = w;
        if (signal.aborted) { w.stop(); return; }
        const ended = await w.ended;
        w.stop();
        if (relist) {
          rv = undefined;
          this.trouble(new KubeApiError(`WATCH installplans/${name}`, `resourceVersion ${from} expired (410 Gone); re-listing`, 410));
          continue;
        }
        if (watchError) throw watchError;
        if (ended !== undefined) throw ended;
        // A clean end (server timeout or a proxy closing the stream): resume from rv at once, but
        // back off if streams keep ending without delivering anything.
        failures = events > 0 ? 0 : failures + 1;
        if (failures > 1) await clock.sleep(backoffDelay(failures - 1, this.opts.backoff), signal);
      } catch (e) {
        if (signal.aborted) return;
        const err = toKubeApiError(`WATCH installplans/${name}`, e);
        if (err.code === 410) { rv = undefined; continue; }
        this.trouble(err);
        failures++;
        await clock.sleep(backoffDelay(failures, this.opts.backoff), signal);
      }
    }
  }
}
