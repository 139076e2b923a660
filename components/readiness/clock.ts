/**
 * Time for the readiness waiter, injectable so that tests can run timeouts, backoff and stall grace
 * periods on a fake clock instead of sleeping real seconds (the client-node `delayFn` habit).
 */

/** A source of time and delays. */
export interface WaiterClock {
  /** Current time, epoch milliseconds. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds of this clock's time. When `signal` aborts first it resolves
   * early (it never rejects), so callers can race it against other events and cancel the timer.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and an unref'd `setTimeout` (a pending sleep never keeps Node alive). */
export const systemClock: WaiterClock = {
  now: () => Date.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref();
      signal?.addEventListener("abort", done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
    });
  },
};

/** Exponential backoff without jitter: `initialMs * 2^(attempt-1)`, capped at `maxMs`. */
export interface BackoffOptions {
  /** First delay. Defaults to 200 ms. */
  initialMs?: number;
  /** Largest delay. Defaults to 5 000 ms. */
  maxMs?: number;
}

/** The delay before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 200;
  const max = options.maxMs ?? 5_000;
  return Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
}
