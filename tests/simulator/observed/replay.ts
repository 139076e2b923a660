/**
 * Replays the scenarios recorded with the real KubeSphere controller (`tests/fixtures/observed/
 * scenario<n>.sh`) through the simulator: the same plans (`plans/<name>.yaml`), the same edits in the same
 * order, the same Helm outcomes (the fake runner's FAIL_SPEC/SKEW_SPEC as simulator faults). Where
 * a script waits or sleeps, the replay lets the simulator run until it is idle.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import type { ExecutorFault } from "../../../simulator/controllerFaults";
import type { KubeObject } from "../../../simulator/store";
import { startSimEnv, type SimEnv } from "../../support/simulatorHarness";
import { dedupe, normalise, OBSERVED_DIR, projectStoreEvent, type NormalisedEvent } from "./trace";

/** One step of a scenario script. */
interface Step {
  /** Step id as in marks.log (`S1`, `E2`, ...). */
  scenario: string;
  /** What the script did (kubectl apply/patch/delete/annotate), in order, letting the controller settle after each. */
  actions: Array<(env: SimEnv) => void>;
}

/** A recorded run. */
export interface RecordedRun {
  /** Directory under `tests/fixtures/observed/`. */
  run: string;
  /** Helm outcomes of the recording. */
  faults: ExecutorFault[];
  /** Steps. */
  steps: Step[];
}

function planFile(file: string): KubeObject {
  return YAML.parse(fs.readFileSync(path.join(OBSERVED_DIR, "plans", file), "utf8")) as KubeObject;
}

const apply = (file: string) => (env: SimEnv): void => {
  env.store.create("installplans", planFile(file));
};
const patch = (name: string, body: Record<string, unknown>) => (env: SimEnv): void => {
  env.patchPlan(name, body);
};
const del = (name: string) => (env: SimEnv): void => {
  env.store.delete("installplans", name);
};
const annotate = (name: string, key: string, value: string) => patch(name, { metadata: { annotations: { [key]: value } } });
const spec = (body: Record<string, unknown>): Record<string, unknown> => ({ spec: body });

/** The four recorded runs and their 17 scenarios (scenario.sh .. scenario4.sh). */
export const RECORDED_RUNS: RecordedRun[] = [
  {
    run: "real",
    // S5: "runner made to fail" metrics-server (its install); the uninstall in S7 succeeded.
    faults: [{ effect: "fail", extension: "metrics-server", action: "install" }],
    steps: [
      { scenario: "S1", actions: [apply("telemetry.yaml")] },
      { scenario: "S2", actions: [apply("monitoring.yaml")] },
      { scenario: "S3", actions: [patch("whizard-telemetry", spec({ config: "a: b\n" }))] },
      { scenario: "S4a", actions: [apply("gatekeeper.yaml")] },
      { scenario: "S4b", actions: [patch("gatekeeper", spec({ extension: { version: "1.0.2" } }))] },
      { scenario: "S5", actions: [apply("metrics-server.yaml")] },
      { scenario: "S6", actions: [del("whizard-telemetry")] },
      { scenario: "S7", actions: [del("metrics-server")] },
    ],
  },
  {
    run: "real2",
    faults: [
      { effect: "fail", extension: "gatekeeper", version: "1.0.2", action: "upgrade" },
      { effect: "fail", extension: "metrics-server", action: "install", times: 1 },
      { effect: "fail", extension: "whizard-telemetry", action: "upgrade" },
    ],
    steps: [
      { scenario: "E1", actions: [apply("gatekeeper.yaml"), patch("gatekeeper", spec({ extension: { version: "1.0.2" } }))] },
      { scenario: "E2", actions: [apply("metrics-server.yaml"), patch("metrics-server", spec({ config: "x: 1\n" }))] },
      { scenario: "E3", actions: [apply("telemetry.yaml"), patch("whizard-telemetry", spec({ config: "a: b\n" }))] },
      { scenario: "E4", actions: [apply("monitoring.yaml"), patch("whizard-monitoring", spec({ enabled: false }))] },
      { scenario: "E5", actions: [patch("whizard-monitoring", spec({ extension: { version: "9.9.9" } }))] },
    ],
  },
  {
    run: "real3",
    faults: [{ effect: "clockSkew", extension: "whizard-telemetry", skewSeconds: -30 }],
    steps: [
      { scenario: "F1", actions: [apply("gk-renamed.yaml"), annotate("gk", "poke", "1")] },
      { scenario: "F2", actions: [apply("telemetry.yaml"), annotate("whizard-telemetry", "poke", "1")] },
    ],
  },
  {
    run: "real4",
    faults: [{ effect: "fail", extension: "metrics-server", action: "uninstall" }],
    steps: [
      {
        scenario: "G1",
        actions: [apply("monitoring.yaml"), patch("whizard-monitoring", spec({ extension: { version: "9.9.9" } })), del("whizard-monitoring"),
          patch("whizard-monitoring", spec({ extension: { version: "1.1.1" } }))],
      },
      { scenario: "G2", actions: [apply("metrics-server.yaml"), del("metrics-server"), annotate("metrics-server", "kubesphere.io/force-delete", "true")] },
    ],
  },
];

/** Result of a replay. */
export interface Replay {
  /** Normalised, de-duplicated InstallPlan events, labelled with their step. */
  events: NormalisedEvent[];
  /** The environment, still running (close it). */
  env: SimEnv;
}

/** Replays one recorded run through a fresh simulator (manual mode, shipped catalog). */
export async function replay(run: RecordedRun): Promise<Replay> {
  const env = await startSimEnv({ faults: run.faults });
  const events: NormalisedEvent[] = [];
  let scenario = "?";
  const stop = env.store.subscribe((e) => {
    if (e.resource.plural === "installplans") events.push({ ...normalise(projectStoreEvent(e)), scenario });
  });
  try {
    for (const step of run.steps) {
      scenario = step.scenario;
      for (const action of step.actions) {
        action(env);
        await env.sim.settle();
      }
    }
  } finally {
    stop();
  }
  return { events: dedupe(events), env };
}
