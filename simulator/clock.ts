/**
 * Time sources for the simulator. The API server stamps `creationTimestamp`/`deletionTimestamp`
 * with its clock and the controller stamps state history with its own, so tests share one
 * {@link ManualClock} between both to get byte-for-byte reproducible objects.
 */

/** A source of the current time. */
export interface Clock {
  /** The current time. */
  now(): Date;
}

/** A clock that tests can move forward by hand. */
export interface AdvanceableClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds (negative values are rejected). */
  advance(ms: number): void;
}

/** The machine's wall clock. */
export class SystemClock implements Clock {
  /** The current wall-clock time. */
  now(): Date {
    return new Date();
  }
}

/** Default start of a {@link ManualClock}: a fixed instant so that timestamps are reproducible. */
export const DEFAULT_MANUAL_EPOCH = "2026-01-01T00:00:00.000Z";

/**
 * A clock that only moves when told to. Starts at {@link DEFAULT_MANUAL_EPOCH} unless given a start.
 *
 * @example
 * const clock = new ManualClock();
 * clock.advance(1500); // 2026-01-01T00:00:01.500Z
 */
export class ManualClock implements AdvanceableClock {
  private current: number;

  /** @param start where the clock starts (Date, ISO string or epoch milliseconds). */
  constructor(start: Date | string | number = DEFAULT_MANUAL_EPOCH) {
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new Error(`ManualClock: invalid start time ${String(start)}`);
  }

  /** The clock's current time (a fresh Date each call). */
  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.current += ms;
  }

  /** Moves the clock to `time`, which must not be earlier than now. */
  set(time: Date | string | number): void {
    const t = new Date(time).getTime();
    if (Number.isNaN(t) || t < this.current) {
      throw new Error(`ManualClock.set: ${String(time)} is invalid or earlier than ${this.now().toISOString()}`);
    }
    this.current = t;
  }
}

/** True when `clock` can be moved forward by the simulator (a {@link ManualClock} or look-alike). */
export function isAdvanceable(clock: Clock): clock is AdvanceableClock {
  return typeof (clock as Partial<AdvanceableClock>).advance === "function";
}

/** Kubernetes `metav1.Time` text (RFC 3339, whole seconds, `Z`), e.g. `2026-01-01T00:00:00Z`. */
export function kubeTime(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * A clock that follows another one plus an offset that only grows. The controller simulator
 * uses it in real-time mode so that simulated durations (a helm run "takes" seconds) move its
 * time forward without waiting for them.
 */
export class OffsetClock implements AdvanceableClock {
  private offset = 0;

  /** @param base the clock to follow (e.g. the system clock). */
  constructor(private readonly base: Clock) {}

  /** The base time plus the accumulated offset. */
  now(): Date {
    return new Date(this.base.now().getTime() + this.offset);
  }

  /** Adds `ms` to the offset. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`OffsetClock.advance: ms must be >= 0, got ${ms}`);
    this.offset += ms;
  }
}
