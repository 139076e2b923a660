import { expect } from "chai";
import { INSTALLPLAN_TYPE } from "../../components/kubesphere/annotations";
import { limitClusterChanges as policy } from "../../policy-pack/policies";
import {
  expectUnknownValueError,
  extensionInStack,
  extensionVersion,
  installPlanFor,
  policyResource,
  runStackPolicy,
  stackArgs,
  UNKNOWN,
} from "./support";

describe("policy kubesphere-extension-cluster-blast-radius (stack)", () => {
  const devops = (clusters: string[] | undefined, previousClusters?: unknown, installedVersionAtPreview = "1.1.2") =>
    extensionInStack("devops", installPlanFor(extensionVersion("devops", "1.1.2"), { clusters }), {
      previousClusters, installedVersionAtPreview,
    });
  const run = (e: ReturnType<typeof devops>, config: object = {}) =>
    runStackPolicy(policy, stackArgs([e.component, e.plan], config));

  it("passes changes within the default limit of 2", async () => {
    expect(await run(devops(["host", "member1"], ["host"]))).to.deep.equal([]);
    expect(await run(devops(["host", "member2"], ["host", "member1"]))).to.deep.equal([]); // 1 added + 1 removed
    expect(await run(devops(["host", "member1"], undefined, undefined as unknown as string))).to.deep.equal([]); // fresh: 2 added
  });

  it("fails 3 changes with the default limit, listing added and removed clusters", async () => {
    const e = devops(["host", "member2", "member3"], ["host", "member1"]);
    const violations = await run(e);
    expect(violations).to.have.length(1);
    expect(violations[0].urn).to.equal(e.plan.urn);
    expect(violations[0].message).to.contain('adds "member2", "member3" and removes "member1": 3 cluster changes, more than maxClusterChanges (2)');
  });

  it("counts every placed cluster as added when no plan existed before", async () => {
    const [violation] = await run(devops(["host", "member1", "member2"], undefined));
    expect(violation.message).to.contain('adds "host", "member1", "member2": 3 cluster changes');
  });

  it("honours maxClusterChanges from config", async () => {
    expect(await run(devops(["host", "member1"], ["host"]), { maxClusterChanges: 0 })).to.have.length(1);
    expect(await run(devops(["host", "member1", "member2", "member3"], []), { maxClusterChanges: 4 })).to.deep.equal([]);
  });

  it("fails a clusterSelector placement unless allowClusterSelector", async () => {
    const props = installPlanFor(extensionVersion("devops", "1.1.2"), { clusters: [] });
    props.spec.clusterScheduling.placement = { clusterSelector: {} };
    const e = extensionInStack("devops", props, { previousClusters: ["host"] });
    const [violation] = await run(e);
    expect(violation.message).to.contain("placement uses clusterSelector");
    expect(await run(e, { allowClusterSelector: true })).to.deep.equal([]);
  });

  it("fails removing clusterScheduling while agents were placed (KubeSphere would leave them installed)", async () => {
    const [violation] = await run(devops(undefined, ["host", "member1"]));
    expect(violation.message).to.contain('spec.clusterScheduling is removed, but the plan placed "host", "member1"');
    expect(violation.message).to.contain("keep clusterScheduling and set placement.clusters");
    expect(await run(devops(undefined, undefined))).to.deep.equal([]);
  });

  it("reports a malformed previousClusters output", async () => {
    const [violation] = await run(devops(["host"], "host"));
    expect(violation.message).to.contain('output previousClusters is "host", not a list of strings');
  });

  it("does not check hand-written InstallPlans (no record of the previous placement)", async () => {
    const plan = policyResource(INSTALLPLAN_TYPE, "devops",
      installPlanFor(extensionVersion("devops", "1.1.2"), { clusters: ["a", "b", "c", "d"] }));
    expect(await runStackPolicy(policy, stackArgs([plan]))).to.deep.equal([]);
  });

  it("cannot check while the placement is unknown: throws UnknownValueError", async () => {
    const props = installPlanFor(extensionVersion("devops", "1.1.2"), { clusters: ["host"] });
    props.spec.clusterScheduling.placement.clusters = UNKNOWN;
    await expectUnknownValueError(() => run(extensionInStack("devops", props, { previousClusters: [] })));
  });

  it("cannot check while previousClusters is unknown: throws UnknownValueError", async () => {
    await expectUnknownValueError(() => run(devops(["host"], UNKNOWN)));
  });

  describe("with a staged rollout (rolloutWaves / rolloutRemovalWaves outputs)", () => {
    const staged = (clusters: string[] | undefined, previousClusters: unknown, rolloutWaves: unknown, rolloutRemovalWaves?: unknown) =>
      extensionInStack("devops", installPlanFor(extensionVersion("devops", "1.1.2"), { clusters }), { previousClusters, rolloutWaves, rolloutRemovalWaves });
    const five = ["m1", "m2", "m3", "m4", "m5"];

    it("a change of any size passes when each wave changes at most maxClusterChanges clusters", async () => {
      expect(await run(staged(five, [], [["m1", "m2"], ["m3", "m4"], ["m5"]]))).to.deep.equal([]);
      // Unchanged clusters in a wave do not count.
      expect(await run(staged(five, ["m1", "m2", "m3"], [["m1", "m2", "m3", "m4"], ["m5"]]))).to.deep.equal([]);
      // Removal waves count their removals.
      expect(await run(staged(["m1"], five, [["m1"]], [["m4", "m5"], ["m2", "m3"]]))).to.deep.equal([]);
    });

    it("the rollout owns spec.clusterScheduling: a plan without it is judged from the waves, not as 'clusterScheduling removed'", async () => {
      expect(await run(staged(undefined, ["m1"], [["m1", "m2"], ["m3", "m4"]]))).to.deep.equal([]);
      const [v] = await run(staged(undefined, ["m1"], [["m1", "m2", "m3", "m4"]]));
      expect(v.message).to.contain('rollout wave 1 adds "m2", "m3", "m4": 3 clusters, more than maxClusterChanges (2)');
      expect(v.message).to.not.contain("clusterScheduling is removed");
    });

    it("fails a wave that changes too many clusters, naming the wave and its clusters", async () => {
      const e = staged(five, [], [["m1", "m2", "m3"], ["m4", "m5"]]);
      const violations = await run(e);
      expect(violations).to.have.length(1);
      expect(violations[0].message).to.match(/^InstallPlan "devops-installplan" \(urn:[^)]+\): rollout wave 1 adds "m1", "m2", "m3": 3 clusters, more than maxClusterChanges \(2\)\. Fix: waves of at most 2 changed clusters \(e\.g\. `rollout: \{ batchSize: 2 \}`\)\.$/u);
      expect(violations[0].urn).to.equal(e.plan.urn);
      expect(await run(e, { maxClusterChanges: 3 })).to.deep.equal([]);
      const [removal] = await run(staged(["m1"], five, [["m1"]], [["m2", "m3", "m4", "m5"]]));
      expect(removal.message).to.contain('rollout removal wave 1 removes "m2", "m3", "m4", "m5": 4 clusters');
    });

    it("counts changes no wave stages (removals without rolloutRemovalWaves) as one group", async () => {
      const [v] = await run(staged(["m1"], five, [["m1"]]));
      expect(v.message).to.contain('"m2", "m3", "m4", "m5" change but no rollout wave the policy can see stages them: 4 clusters at once');
      expect(await run(staged(["m1", "m2", "m3"], ["m1", "m2", "m3", "m4"], [["m1"], ["m2", "m3"]]))).to.deep.equal([]); // 1 removal
    });

    it("accepts a selector placement with a rollout (the waves name its clusters) and still bounds each wave", async () => {
      const bySelector = (waves: string[][]) => {
        const props = installPlanFor(extensionVersion("devops", "1.1.2"), { clusters: [] });
        props.spec.clusterScheduling.placement = { clusterSelector: { matchLabels: { env: "prod" } } };
        return extensionInStack("devops", props, { previousClusters: ["m1"], rolloutWaves: waves });
      };
      expect(await run(bySelector([["m1", "m2"], ["m3", "m4"]]))).to.deep.equal([]);
      const [v] = await run(bySelector([["m1", "m2", "m3", "m4"]]));
      expect(v.message).to.contain('rollout wave 1 adds "m2", "m3", "m4": 3 clusters');
    });

    it("an empty rolloutWaves (no rollout) keeps the per-deployment rule, whose message says to declare one", async () => {
      const [v] = await run(staged(["host", "member1", "member2"], [], []));
      expect(v.message).to.contain("Fix: declare a staged rollout on the extension (`rollout: { batchSize: 2 }` or explicit `waves`)");
    });

    it("reports malformed rolloutWaves / rolloutRemovalWaves outputs", async () => {
      const [v] = await run(staged(five, [], ["m1", "m2"]));
      expect(v.message).to.contain('output rolloutWaves is ["m1","m2"], not a list of lists of cluster names');
      const [r] = await run(staged(five, [], [["m1"]], "m2"));
      expect(r.message).to.contain('output rolloutRemovalWaves is "m2", not a list of lists of cluster names');
    });

    it("cannot check while rolloutWaves is unknown: throws UnknownValueError", async () => {
      await expectUnknownValueError(() => run(staged(five, [], UNKNOWN)));
    });
  });
});
