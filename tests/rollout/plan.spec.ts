/**
 * The rollout planner and the argument's validation, pure: no cluster.
 */
import { expect } from "chai";
import { fnv1a64Hex } from "../../components/config/configHash";
import type { ClusterScheduling, InstallationStatus, InstallPlan } from "../../components/kubesphere/types";
import type { ExpectedInstallPlan } from "../../components/readiness/assess";
import {
  describeRollout, expectationForWave, planRollout, RolloutInputError, schedulingForWave, schedulingPatch,
} from "../../components/rollout/plan";
import { targetWaves, validateRollout } from "../../components/rollout/spec";

const CFG = "a: 1\n";
const HASH = fnv1a64Hex(CFG);

function entry(state: string, configHash = HASH, version = "1.1.1"): InstallationStatus {
  return { state, version, configHash, jobName: `helm-x-${state.toLowerCase()}` };
}

function livePlan(scheduling: ClusterScheduling | undefined, entries: Record<string, InstallationStatus> = {}): InstallPlan {
  return {
    apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "wm", uid: "u1" },
    spec: { extension: { name: "wm", version: "1.1.1" }, enabled: true, config: CFG, ...(scheduling ? { clusterScheduling: scheduling } : {}) },
    status: { state: "Installed", version: "1.1.1", configHash: HASH, enabled: true, clusterSchedulingStatuses: entries },
  };
}

function expected(clusters: string[], extra: Partial<ExpectedInstallPlan> = {}): ExpectedInstallPlan {
  return { name: "wm", version: "1.1.1", configHash: HASH, enabled: true, clusters: Object.fromEntries(clusters.map((c) => [c, {}])), ...extra };
}

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(RolloutInputError);
    return (e as RolloutInputError).problems.map((p) => p.message);
  }
  throw new Error("expected a RolloutInputError");
}

const ALL = ["m1", "m2", "m3", "m4", "m5"];
const desired = (clusters: string[], overrides?: Record<string, string>): ClusterScheduling =>
  ({ placement: { clusters }, ...(overrides ? { overrides } : {}) });

describe("rollout: argument validation", () => {
  it("accepts waves or batchSize with an optional pause", () => {
    expect(validateRollout({ waves: [["m1"], ["m2", "m3"]], pauseSeconds: 30 })).to.deep.equal({ rollout: { waves: [["m1"], ["m2", "m3"]], pauseSeconds: 30 }, problems: [] });
    expect(validateRollout({ batchSize: 2, pauseSeconds: null })).to.deep.equal({ rollout: { batchSize: 2 }, problems: [] });
    expect(validateRollout(undefined)).to.deep.equal({ problems: [] });
  });

  it("names the field, what was found and what would be valid; nothing is coerced", () => {
    const m = (raw: unknown, path?: string) => validateRollout(raw, path).problems.map((p) => p.message);
    expect(m("2")).to.deep.equal(['rollout must be an object with `waves` (lists of cluster names) or `batchSize` (a number), and optionally `pauseSeconds`; not the string "2"']);
    expect(m({ batchSize: "2" })[0]).to.equal('rollout.batchSize must be a whole number of clusters per wave, at least 1, not the string "2"; stack config values are strings: read them with `config.requireNumber(...)`');
    expect(m({ batchSize: 0 })[0]).to.contain("rollout.batchSize must be a whole number of clusters per wave, at least 1, not the number 0");
    expect(m({ batchSize: 1.5 })[0]).to.contain("not the number 1.5");
    expect(m({ waves: [] })[0]).to.contain("rollout.waves must be a non-empty list of waves");
    expect(m({ waves: ["m1"] }, "extensions[1].rollout")[0]).to.equal('extensions[1].rollout.waves[0] must be a non-empty list of cluster names, not the string "m1"; write ["m1"]');
    expect(m({ waves: [["m1", " m2", 3]] })).to.deep.equal([
      'rollout.waves[0][1] " m2" is not a valid cluster name (empty or with whitespace)',
      "rollout.waves[0][2] must be a cluster name (a string), not the number 3",
    ]);
    expect(m({ batchSize: 1, pauseSeconds: -1 })[0]).to.contain("rollout.pauseSeconds must be a number of seconds, 0 or more, not the number -1");
    expect(m({ batchSize: 1, waves: [["m1"]] })[0]).to.contain("sets both `waves` and `batchSize`");
    expect(m({ pauseSeconds: 5 })[0]).to.equal("rollout needs `waves` (explicit groups of clusters) or `batchSize` (groups of that size in placement order)");
    expect(m({ batchSize: 1, wave: [["m1"]] })[0]).to.equal("rollout.wave is not a rollout field; valid fields: waves, batchSize, pauseSeconds");
  });

  it("batchSize groups the targets in placement order; waves must cover every target exactly once", () => {
    expect(targetWaves({ batchSize: 2 }, ALL).waves).to.deep.equal([["m1", "m2"], ["m3", "m4"], ["m5"]]);
    const { problems } = targetWaves({ waves: [["m1", "m2"], ["m2"], ["m4"]] }, ["m1", "m2", "m3", "m4"]);
    expect(problems.map((p) => p.message)).to.deep.equal([
      'rollout.waves names "m2" more than once; every cluster must be in exactly one wave',
      'rollout.waves does not name "m3", which the placement targets; every target cluster must be in exactly one wave (targets: m1, m2, m3, m4)',
    ]);
  });
});

describe("rollout: planRollout", () => {
  it("a fresh plan: every target is added, wave by wave", () => {
    const plan = planRollout({ name: "wm", rollout: { batchSize: 2 }, desired: desired(ALL), targets: ALL, expected: expected(ALL) });
    expect(plan.waves.map((w) => [w.kind, w.clusters, w.done])).to.deep.equal([
      ["apply", ["m1", "m2"], false], ["apply", ["m3", "m4"], false], ["apply", ["m5"], false],
    ]);
    expect(plan.waves[0].changes).to.deep.equal({ m1: "add", m2: "add" });
    expect(describeRollout(plan)).to.deep.equal([
      "rollout of wm: 3 waves",
      "  wave 1/3: add m1, m2",
      "  wave 2/3: add m3, m4",
      "  wave 3/3: add m5",
    ]);
  });

  it("classifies add, update, unchanged (done) and resume from the live plan and the expectation", () => {
    const live = livePlan(desired(["m1", "m2", "m3"], { m2: "b: 1\n" }), {
      m1: entry("Installed"), m2: entry("Installed", "old"), m3: entry("InstallFailed", fnv1a64Hex("x")),
    });
    const plan = planRollout({
      name: "wm", rollout: { waves: [["m1"], ["m2", "m4"], ["m3"]], pauseSeconds: 60 },
      desired: desired(["m1", "m2", "m3", "m4"], { m2: "b: 2\n" }), targets: ["m1", "m2", "m3", "m4"], live,
      expected: expected(["m1", "m2", "m3", "m4"], { clusters: { m1: {}, m2: { mustDifferFrom: "old" }, m3: {}, m4: {} } }),
    });
    expect(plan.waves.map((w) => w.changes)).to.deep.equal([{ m1: "none" }, { m2: "update", m4: "add" }, { m3: "resume" }]);
    expect(plan.waves.map((w) => w.done)).to.deep.equal([true, false, false]);
    expect(describeRollout(plan)).to.deep.equal([
      "rollout of wm: 3 waves (1 already done), 60 s pause between waves",
      "  wave 1/3: unchanged m1 (done: skipped)",
      "  wave 2/3: update m2; add m4",
      "  wave 3/3: finish m3",
    ]);
  });

  it("resume: after wave 2 failed, waves 1 is done, wave 2 resumes, wave 3 is still to add", () => {
    // What a failed run leaves: the placement holds waves 1 and 2, one agent of wave 2 failed.
    const live = livePlan(desired(["m1", "m2", "m3", "m4"]), {
      m1: entry("Installed"), m2: entry("Installed"), m3: entry("Installed"), m4: entry("InstallFailed"),
    });
    const plan = planRollout({ name: "wm", rollout: { batchSize: 2 }, desired: desired(ALL), targets: ALL, live, expected: expected(ALL) });
    expect(plan.waves.map((w) => [w.changes, w.done])).to.deep.equal([
      [{ m1: "none", m2: "none" }, true], [{ m3: "none", m4: "resume" }, false], [{ m5: "add" }, false],
    ]);
  });

  it("a live spec with another version judges nothing done (every placed agent will be upgraded)", () => {
    const live = livePlan(desired(["m1", "m2"]), { m1: entry("Installed"), m2: entry("Installed") });
    const plan = planRollout({ name: "wm", rollout: { batchSize: 1 }, desired: desired(["m1", "m2"]), targets: ["m1", "m2"], live,
      expected: { ...expected(["m1", "m2"]), version: "1.1.2" } });
    expect(plan.waves.map((w) => w.done)).to.deep.equal([false, false]);
  });

  it("removals run after the apply waves, last wave first; with batchSize over the live order, last batch first", () => {
    const live = livePlan(desired(ALL), Object.fromEntries(ALL.map((c) => [c, entry("Installed")])));
    const byWaves = planRollout({
      name: "wm", rollout: { waves: [["m1", "m2"], ["m3", "m6"], ["m4", "m5"]] }, desired: desired(["m1", "m6"]), targets: ["m1", "m6"], live,
      expected: expected(["m1", "m6"]),
    });
    expect(byWaves.waves.map((w) => [w.kind, w.clusters])).to.deep.equal([
      ["apply", ["m1"]], ["apply", ["m6"]], ["remove", ["m4", "m5"]], ["remove", ["m3"]], ["remove", ["m2"]],
    ]);
    const byBatch = planRollout({ name: "wm", rollout: { batchSize: 2 }, desired: desired(["m1"]), targets: ["m1"], live, expected: expected(["m1"]) });
    expect(byBatch.waves.map((w) => [w.kind, w.clusters])).to.deep.equal([
      ["apply", ["m1"]], ["remove", ["m4", "m5"]], ["remove", ["m2", "m3"]],
    ]);
    expect(describeRollout(byBatch)[2]).to.equal("  wave 2/3: remove m4, m5");
  });

  it("refuses, naming the field: removals no wave names, non-Multicluster, no placement, coverage", () => {
    const live = livePlan(desired(["m1", "m2", "m3"]), {});
    expect(problemsOf(() => planRollout({ name: "wm", rollout: { waves: [["m1"]] }, desired: desired(["m1"]), targets: ["m1"], live })))
      .to.deep.equal(['rollout.waves does not name "m2", "m3", which leave the placement; name each cluster being removed in a wave (removals run last wave first), or use `batchSize`']);
    expect(problemsOf(() => planRollout({ name: "devops", rollout: { batchSize: 1 }, installationMode: "HostOnly", desired: desired(["m1"]), targets: ["m1"] })))
      .to.deep.equal(["rollout stages member-cluster agents, which only Multicluster extensions have; devops is HostOnly. Remove `rollout`"]);
    expect(problemsOf(() => planRollout({ name: "wm", rollout: { batchSize: 1 }, desired: undefined, targets: [] })))
      .to.deep.equal(["rollout needs clusterScheduling with a placement (the clusters to roll out to)"]);
    expect(problemsOf(() => planRollout({ name: "wm", rollout: { waves: [["m1"]] }, desired: desired(["m1", "m2"]), targets: ["m1", "m2"] }))[0])
      .to.contain('does not name "m2", which the placement targets');
    expect(problemsOf(() => planRollout({ name: "wm", rollout: { batchSize: 1 }, desired: desired(["m1"]), targets: "m1" as unknown as string[] })))
      .to.deep.equal(['rollout: the target clusters must be a list of cluster names, got "m1"']);
    let err: Error | undefined;
    try {
      planRollout({ name: "wm", rollout: { batchSize: "2" }, desired: desired(["m1"]), targets: ["m1"] });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/^rollout of wm: rollout\.batchSize must be a whole number .* Nothing was written\.$/u);
  });

  it("a live plan without clusterScheduling keeps its agents (§6.12): their clusters count as placed, and leaving ones are staged", () => {
    const live = livePlan(undefined, { m1: entry("Installed"), m2: entry("Installed"), m3: entry("Installed") });
    const plan = planRollout({ name: "wm", rollout: { batchSize: 1 }, desired: desired(["m1", "m4"]), targets: ["m1", "m4"], live, expected: expected(["m1", "m4"]) });
    expect(plan.waves.map((w) => [w.kind, w.changes])).to.deep.equal([
      ["apply", { m1: "none" }], ["apply", { m4: "add" }], ["remove", { m3: "remove" }], ["remove", { m2: "remove" }],
    ]);
    expect(schedulingForWave(plan, 1)).to.deep.equal({ placement: { clusters: ["m1", "m4", "m2", "m3"] } });
    // An explicit empty list is an empty placement (entries still present are being uninstalled).
    const emptied = livePlan(desired([]), { m2: entry("Uninstalling") });
    expect(planRollout({ name: "wm", rollout: { batchSize: 1 }, desired: desired(["m1"]), targets: ["m1"], live: emptied }).livePlaced).to.deep.equal([]);
  });

  it("wave names that are neither targets nor placed are reported, not an error", () => {
    const plan = planRollout({ name: "wm", rollout: { waves: [["m1", "gone"]] }, desired: desired(["m1"]), targets: ["m1"] });
    expect(plan.ignored).to.deep.equal(["gone"]);
    expect(describeRollout(plan).at(-1)).to.equal("  not placed and not targeted, nothing to do: gone");
  });
});

describe("rollout: what each wave writes and awaits", () => {
  const live = livePlan({ placement: { clusters: ["m1", "m9"] }, overrides: { m1: "old: 1\n", m9: "z: 1\n" } }, {
    m1: entry("Installed", "h-old"), m9: entry("Installed"),
  });
  const want = desired(["m1", "m2", "m3"], { m1: "new: 1\n", m3: "c: 3\n" });
  const exp = expected(["m1", "m2", "m3"], { clusters: { m1: { mustDifferFrom: "h-old" }, m2: {}, m3: { mustDifferFrom: "" } }, removedClusters: ["m9"] });
  const plan = planRollout({ name: "wm", rollout: { waves: [["m2"], ["m1", "m3"], ["m9"]] }, desired: want, targets: ["m1", "m2", "m3"], live, expected: exp });

  it("placement grows by one wave at a time; later waves keep their live override; removals drop theirs", () => {
    expect(plan.waves.map((w) => [w.kind, w.clusters])).to.deep.equal([["apply", ["m2"]], ["apply", ["m1", "m3"]], ["remove", ["m9"]]]);
    expect(schedulingForWave(plan, 0)).to.deep.equal({ placement: { clusters: ["m1", "m2", "m9"] }, overrides: { m1: "old: 1\n", m9: "z: 1\n" } });
    expect(schedulingForWave(plan, 1)).to.deep.equal({ placement: { clusters: ["m1", "m2", "m3", "m9"] }, overrides: { m1: "new: 1\n", m3: "c: 3\n", m9: "z: 1\n" } });
    expect(schedulingForWave(plan, 2)).to.deep.equal({ placement: { clusters: ["m1", "m2", "m3"] }, overrides: { m1: "new: 1\n", m3: "c: 3\n" } });
  });

  it("each wave awaits the clusters written so far, and the removed ones gone", () => {
    const { removedClusters: _ignored, ...host } = exp;
    expect(expectationForWave(plan, exp, 0)).to.deep.equal({ ...host, clusters: { m2: {} } });
    expect(expectationForWave(plan, exp, 1).clusters).to.deep.equal({ m2: {}, m1: { mustDifferFrom: "h-old" }, m3: { mustDifferFrom: "" } });
    expect(expectationForWave(plan, exp, 2).removedClusters).to.deep.equal(["m9"]);
  });

  it("merge patches: only what differs; null deletes overrides and a selector", () => {
    expect(schedulingPatch(live.spec.clusterScheduling, schedulingForWave(plan, 0))).to.deep.equal({ spec: { clusterScheduling: { placement: { clusters: ["m1", "m2", "m9"] } } } });
    expect(schedulingPatch(schedulingForWave(plan, 1), schedulingForWave(plan, 2))).to.deep.equal({
      spec: { clusterScheduling: { placement: { clusters: ["m1", "m2", "m3"] }, overrides: { m9: null } } },
    });
    expect(schedulingPatch(desired(["m1"]), desired(["m1"]))).to.equal(undefined);
    expect(schedulingPatch({ placement: { clusterSelector: { matchLabels: { env: "prod" } } }, overrides: { m1: "a" } }, desired(["m1"])))
      .to.deep.equal({ spec: { clusterScheduling: { placement: { clusters: ["m1"], clusterSelector: null }, overrides: null } } });
    expect(schedulingPatch(desired(["m1"]), { placement: { clusterSelector: { matchLabels: { env: "prod" } } } }))
      .to.deep.equal({ spec: { clusterScheduling: { placement: { clusters: null, clusterSelector: { matchLabels: { env: "prod" } } } } } });
  });
});
