/**
 * The simulator's event loop: key de-duplication, timer order on a manual clock, livelock and
 * unmet-`until` detection, and auto mode's "reconciles before due timers" rule.
 */
import { expect } from "chai";
import { ManualClock } from "../../simulator/clock";
import { Scheduler } from "../../simulator/scheduler";

function scheduler(mode: "manual" | "auto", log: string[], clock = new ManualClock()): Scheduler {
  return new Scheduler({
    clock, mode, timeScale: 0.001,
    worker: async (key) => { log.push(`work ${key} @${clock.now().toISOString().slice(17, 23)}`); },
    onError: (where, e) => log.push(`error ${where}: ${String(e)}`),
  });
}

describe("simulator scheduler", () => {
  it("de-duplicates queued keys and runs timers in due order, moving the manual clock", async () => {
    const log: string[] = [];
    const clock = new ManualClock();
    const s = scheduler("manual", log, clock);
    s.after(3000, "late", () => { log.push(`late @${clock.now().toISOString().slice(17, 23)}`); });
    s.after(1000, "early", () => { log.push("early"); s.enqueue("a"); });
    s.enqueue("a");
    s.enqueue("a");
    s.enqueue("b");
    await s.settle();
    expect(log).to.deep.equal(["work a @00.000", "work b @00.000", "early", "work a @01.000", "late @03.000"]);
  });

  it("throws, naming what is pending, when work never stops", async () => {
    const s = new Scheduler({ clock: new ManualClock(), mode: "manual", worker: async () => { s.enqueue("again"); }, onError: () => undefined });
    s.enqueue("again");
    let error: Error | undefined;
    await s.settle({ maxSteps: 50 }).catch((e: Error) => { error = e; });
    expect(error?.message).to.equal("simulator did not settle after 50 steps; queued: [again], timers: []");
  });

  it("throws when it goes idle before an `until` condition holds, and stops early when it does", async () => {
    const log: string[] = [];
    const s = scheduler("manual", log);
    s.enqueue("a");
    s.enqueue("b");
    await s.settle({ until: () => log.length === 1 });
    expect(log).to.have.length(1);
    let error: Error | undefined;
    await s.settle({ until: () => false }).catch((e: Error) => { error = e; });
    expect(error?.message).to.equal("simulator became idle before the `until` condition of settle() held");
  });

  it("auto mode: a timer that comes due while keys are queued waits for them", async () => {
    const order: string[] = [];
    const clock = new ManualClock();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const s = new Scheduler({
      clock, mode: "auto", timeScale: 0.001,
      worker: async (key) => {
        order.push(`start ${key}`);
        if (key === "slow") await gate;
        order.push(`end ${key}`);
      },
      onError: () => undefined,
    });
    s.enqueue("slow");
    s.after(1, "timer", () => { order.push("timer"); });
    s.enqueue("next");
    await new Promise((r) => setTimeout(r, 20));
    release();
    await s.idle();
    expect(order).to.deep.equal(["start slow", "end slow", "start next", "end next", "timer"]);
    s.stop();
  });
});
