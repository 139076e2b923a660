/**
 * Fidelity: the simulator's InstallPlan watch events equal those of the real KubeSphere controller
 * for every recorded scenario (tests/fixtures/observed/README.md), after normalising times and
 * random suffixes. A deliberate difference would be listed in simulator/README.md.
 */
import { expect } from "chai";
import { compareTraces, formatDifferences, recordedTrace } from "./observed/trace";
import { RECORDED_RUNS, replay } from "./observed/replay";

describe("controller simulator: recorded traces of the real controller", () => {
  for (const run of RECORDED_RUNS) {
    it(`${run.run} (${run.steps.map((s) => s.scenario).join(", ")}): same normalised watch events`, async () => {
      const recorded = recordedTrace(run.run);
      const { events, env } = await replay(run);
      try {
        const diffs = compareTraces(recorded, events);
        const perScenario = run.steps.map((s) => `${s.scenario}=${diffs.filter((d) => d.scenario === s.scenario).length}`).join(" ");
        expect(diffs, `differences per scenario: ${perScenario}\n${formatDifferences(diffs)}`).to.deep.equal([]);
        expect(events.length).to.equal(recorded.length);
      } finally {
        await env.close();
      }
    });
  }
});
