/**
 * The simulator's event loop: a de-duplicating work queue of keys (InstallPlan names, as
 * controller-runtime's workqueue) and timers for simulated durations (pod start, helm run).
 *
 * Two modes:
 * - `manual`: nothing runs until {@link Scheduler.settle} (or {@link Scheduler.step}); timers run
 *   in due order and an advanceable clock ({@link ManualClock}) is moved to each timer's due
 *   time, so a whole install takes no real time and is fully reproducible;
 * - `auto`: keys are processed as soon as they are queued and timers are real `setTimeout`s of
 *   the simulated duration times `timeScale`; an advanceable clock is still moved forward by the
 *   full simulated duration when they fire. Used by the controller process.
 *
 * Keys are processed one at a time (the real controller allows 2 concurrent reconciles of
 * different plans; serialising them keeps runs deterministic).
 */
import { isAdvanceable, type Clock } from "./clock";

interface Timer {
  due: number;
  seq: number;
  label: string;
  fn: () => Promise<void> | void;
  handle?: NodeJS.Timeout;
}

/** Options of {@link Scheduler}. */
export interface SchedulerOptions {
  /** Time source; advanced when timers fire if it is advanceable. */
  clock: Clock;
  /** `manual` (driven by settle/step) or `auto` (runs by itself). */
  mode: "manual" | "auto";
  /** Processes one key. */
  worker: (key: string) => Promise<void>;
  /** Called when the worker or a timer throws. */
  onError: (where: string, error: unknown) => void;
  /**
   * Auto mode: real milliseconds waited per simulated millisecond (default 0.002, so a
   * simulated 5 s helm run takes 10 ms). Manual mode never waits for an advanceable clock.
   */
  timeScale?: number;
}

/** Options of {@link Scheduler.settle}. */
export interface SettleOptions {
  /**
   * Stop as soon as this returns true (checked before every step). Throws when the simulator
   * becomes idle without it holding.
   */
  until?: () => boolean | Promise<boolean>;
  /** Give up (throw) after this many steps. Defaults to 10000. */
  maxSteps?: number;
}

/** Work queue plus timers; see the module comment. */
export class Scheduler {
  private readonly queue: string[] = [];
  private timers: Timer[] = [];
  /** Auto mode: timers whose real delay has passed, waiting for the reconciles in progress. */
  private readonly ready: Timer[] = [];
  private seq = 0;
  private running = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  /** @param options see {@link SchedulerOptions}. */
  constructor(private readonly options: SchedulerOptions) {}

  /** Number of queued keys plus pending timers. */
  get pending(): number {
    return this.queue.length + this.timers.length + this.ready.length;
  }

  /** Labels of the pending timers (for diagnostics). */
  get pendingTimers(): string[] {
    return this.timers.map((t) => t.label);
  }

  /** Queues `key` unless it is already queued. */
  enqueue(key: string): void {
    if (this.stopped || this.queue.includes(key)) return;
    this.queue.push(key);
    if (this.options.mode === "auto") this.kick();
  }

  /** Runs `fn` after `ms` milliseconds of (simulated) time. */
  after(ms: number, label: string, fn: () => Promise<void> | void): void {
    if (this.stopped) return;
    const timer: Timer = { due: this.options.clock.now().getTime() + Math.max(0, ms), seq: this.seq++, label, fn };
    this.timers.push(timer);
    if (this.options.mode === "auto") {
      timer.handle = setTimeout(() => {
        this.timers = this.timers.filter((t) => t !== timer);
        this.ready.push(timer);
        this.kick();
      }, Math.max(0, ms) * (this.options.timeScale ?? 0.002));
    }
  }

  private async fire(timer: Timer): Promise<void> {
    const clock = this.options.clock;
    const now = clock.now().getTime();
    if (isAdvanceable(clock) && timer.due > now) clock.advance(timer.due - now);
    try {
      await timer.fn();
    } catch (e) {
      this.options.onError(`timer ${timer.label}`, e);
    }
  }

  private async work(key: string): Promise<void> {
    try {
      await this.options.worker(key);
    } catch (e) {
      this.options.onError(`reconcile ${key}`, e);
    }
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void (async () => {
      // Queued reconciles go first: like manual mode, a reconcile takes no simulated time, so a
      // timer that came due meanwhile (the Job controller's status write, say) waits for them.
      while (!this.stopped && (this.queue.length > 0 || this.ready.length > 0)) {
        if (this.queue.length > 0) await this.work(this.queue.shift()!);
        else await this.fire(this.ready.shift()!);
      }
      this.running = false;
      if (this.pending === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        waiters.forEach((w) => w());
      }
    })();
  }

  /** Auto mode: resolves once no key is queued and no timer is pending. */
  idle(): Promise<void> {
    if (this.pending === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Manual mode: runs one unit of work (a queued key, else the earliest timer). Returns false
   * when there was nothing to do.
   */
  async step(): Promise<boolean> {
    if (this.options.mode !== "manual") throw new Error("Scheduler.step is only available in manual mode");
    if (this.queue.length > 0) {
      await this.work(this.queue.shift()!);
      return true;
    }
    if (this.timers.length > 0) {
      this.timers.sort((a, b) => a.due - b.due || a.seq - b.seq);
      const timer = this.timers.shift()!;
      const wait = timer.due - this.options.clock.now().getTime();
      if (!isAdvanceable(this.options.clock) && wait > 0) await new Promise((r) => setTimeout(r, wait));
      await this.fire(timer);
      return true;
    }
    return false;
  }

  /**
   * Manual mode: steps until nothing is left (or `until` holds). Throws after `maxSteps` steps,
   * listing what is still pending, so a livelock shows up as a test failure rather than a hang,
   * and when it goes idle with an unmet `until`.
   */
  async settle(options: SettleOptions = {}): Promise<void> {
    const max = options.maxSteps ?? 10000;
    for (let i = 0; i < max; i++) {
      if (options.until && (await options.until())) return;
      if (!(await this.step())) {
        // Let promise callbacks (e.g. HTTP watch deliveries) queue more work before deciding.
        await new Promise((r) => setImmediate(r));
        if (this.pending > 0) continue;
        if (options.until && !(await options.until())) {
          throw new Error("simulator became idle before the `until` condition of settle() held");
        }
        return;
      }
    }
    throw new Error(`simulator did not settle after ${max} steps; queued: [${this.queue.join(", ")}], timers: [${this.pendingTimers.join(", ")}]`);
  }

  /** Drops all work and timers; nothing runs afterwards. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) if (t.handle) clearTimeout(t.handle);
    this.timers = [];
    this.ready.length = 0;
    this.queue.length = 0;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }
}
