/**
 * Properties of the rollout planner over random placements (fast-check): coverage, monotonic waves,
 * untouched later waves, and merge patches that turn each written placement into the next.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { ClusterScheduling, InstallPlan } from "../../components/kubesphere/types";
import { finalScheduling, planRollout, schedulingForWave, schedulingPatch } from "../../components/rollout/plan";
import { applyMergePatch } from "../../simulator/patch";

const UNIVERSE = ["a", "b", "c", "d", "e", "f", "g", "h"];

/** A random ordered subset of the universe, with some overrides. */
const scheduling = fc.tuple(fc.shuffledSubarray(UNIVERSE), fc.dictionary(fc.constantFrom(...UNIVERSE), fc.constantFrom("x: 1\n", "x: 2\n", "")))
  .map(([clusters, overrides]): ClusterScheduling => {
    const own = Object.fromEntries(Object.entries(overrides).filter(([c]) => clusters.includes(c)));
    return Object.keys(own).length > 0 ? { placement: { clusters }, overrides: own } : { placement: { clusters } };
  });

function live(s: ClusterScheduling): InstallPlan {
  return {
    apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "p" },
    spec: { extension: { name: "p", version: "1.0.0" }, enabled: true, clusterScheduling: s },
  };
}

const placed = (s: ClusterScheduling) => new Set(s.placement?.clusters ?? []);
const normal = (s: ClusterScheduling | undefined) => ({ clusters: [...(s?.placement?.clusters ?? [])], overrides: s?.overrides ?? {} });

describe("rollout planner properties", () => {
  it("covers every change once, grows then shrinks the placement, leaves later waves alone, and patches exactly", () => {
    fc.assert(fc.property(scheduling, scheduling, fc.integer({ min: 1, max: 4 }), (before, after, batchSize) => {
      const targets = after.placement!.clusters!;
      const plan = planRollout({ name: "p", rollout: { batchSize }, desired: after, targets, live: live(before) });
      const applied = plan.waves.filter((w) => w.kind === "apply").flatMap((w) => w.clusters);
      const removed = plan.waves.filter((w) => w.kind === "remove").flatMap((w) => w.clusters);
      expect(applied).to.deep.equal(targets);
      expect([...removed].sort()).to.deep.equal(before.placement!.clusters!.filter((c) => !targets.includes(c)).sort());
      let prev = before;
      plan.waves.forEach((w, i) => {
        const next = schedulingForWave(plan, i);
        const p = placed(prev);
        const n = placed(next);
        if (w.kind === "apply") expect([...p].every((c) => n.has(c)), "apply waves only add").to.equal(true);
        else expect([...n].every((c) => p.has(c)) && w.clusters.every((c) => !n.has(c)), "removal waves only remove").to.equal(true);
        // Clusters of later waves keep their live placement and override.
        for (const c of plan.waves.slice(i + 1).flatMap((x) => x.clusters)) {
          expect(n.has(c)).to.equal(placed(before).has(c));
          expect(next.overrides?.[c]).to.equal(before.overrides?.[c]);
        }
        const patch = schedulingPatch(prev, next);
        const patched = applyMergePatch({ spec: { clusterScheduling: prev } }, patch ?? {}) as { spec: { clusterScheduling: ClusterScheduling } };
        expect(normal(patched.spec.clusterScheduling)).to.deep.equal(normal(next));
        prev = next;
      });
      // After the last wave the placement is the desired one, in placement order: the final patch is a no-op.
      expect(normal(prev)).to.deep.equal(normal(after));
      expect(schedulingPatch(prev, finalScheduling(plan))).to.equal(undefined);
    }), { numRuns: 300 });
  });
});
