/**
 * `expectedInstallPlan`: the Appendix A expectation for a plan about to be applied — unit cases for
 * the override snapshot rule and removed clusters, then the same rule end to end against the
 * controller simulator (whose per-cluster hash the client cannot compute).
 */
import { expect } from "chai";
import { effectiveClusterValues, expectedInstallPlan } from "../../components/readiness/expected";
import { waitForInstallPlan } from "../../components/readiness/waiter";
import { fnv1a64Hex } from "../../components/config/configHash";
import type { InstallPlan } from "../../components/kubesphere/types";
import { startFakeCluster } from "../support/fakeApiServer";
import { ControllerSimulator } from "../../simulator/controller";
import { planObject } from "./support";

function multi(config: string, clusters: string[], overrides?: Record<string, string>, version = "1.1.2"): InstallPlan {
  const p = planObject("devops", version, config, true, clusters);
  if (overrides) p.spec.clusterScheduling!.overrides = overrides;
  return p;
}
function withEntries(p: InstallPlan, entries: Record<string, string>): InstallPlan {
  return { ...p, status: { state: "Installed", clusterSchedulingStatuses: Object.fromEntries(Object.entries(entries).map(([c, h]) => [c, { state: "Installed", version: "1.1.2", configHash: h }])) } };
}

describe("expectedInstallPlan", () => {
  it("host fields come from the stored spec; no clusterScheduling means no cluster expectations (§6.12)", () => {
    const e = expectedInstallPlan({ plan: planObject("devops", "1.1.2", "a: 1\n", false), targetClusters: ["member1"] });
    expect(e).to.deep.equal({ name: "devops", version: "1.1.2", configHash: fnv1a64Hex("a: 1\n"), enabled: false });
  });

  it("clusters without an override expect the host hash; a first install with an override accepts any new hash", () => {
    const e = expectedInstallPlan({ plan: multi("a: 1\n", ["m1", "m2"], { m2: "b: 2\n" }), targetClusters: ["m2", "m1"] });
    expect(e.clusters).to.deep.equal({ m1: {}, m2: { mustDifferFrom: "" } });
  });

  it("an override whose merged values change must move away from the snapshot; unchanged values must keep it", () => {
    const prev = withEntries(multi("a: 1\n", ["m1", "m2"], { m1: "b: 2\n", m2: "c: 3\n" }), { m1: "1111111111111111", m2: "2222222222222222" });
    const next = multi("a: 1\n", ["m1", "m2"], { m1: "b: 5\n", m2: "c: 3\n" }, "1.1.3");
    expect(expectedInstallPlan({ plan: next, targetClusters: ["m1", "m2"], previous: prev }).clusters)
      .to.deep.equal({ m1: { mustDifferFrom: "1111111111111111" }, m2: { configHash: "2222222222222222" } });
  });

  it("a host config change changes every override cluster's merged values", () => {
    const prev = withEntries(multi("a: 1\n", ["m1"], { m1: "b: 2\n" }), { m1: "1111111111111111" });
    expect(expectedInstallPlan({ plan: multi("a: 9\n", ["m1"], { m1: "b: 2\n" }), targetClusters: ["m1"], previous: prev }).clusters)
      .to.deep.equal({ m1: { mustDifferFrom: "1111111111111111" } });
  });

  it("merges like the controller: nested maps merge, lists and scalars are replaced, key order is irrelevant", () => {
    const spec = (config: string, override: string) => multi(config, ["m"], { m: override }).spec;
    expect(effectiveClusterValues(spec("a:\n  x: 1\n  y: [1, 2]\n", "a:\n  y: [3]\n"), "m")).to.deep.equal({ merged: { a: { x: 1, y: [3] } } });
    expect(JSON.stringify(effectiveClusterValues(spec("b: 1\na: 2\n", "c: 3\n"), "m"))).to.equal(JSON.stringify({ merged: { b: 1, a: 2, c: 3 } }));
    expect(effectiveClusterValues(spec("a: 1\n", "   \n"), "m")).to.deep.equal({ text: "a: 1" });
    expect(effectiveClusterValues(spec("- not a map\n", "b: 1\n"), "m")).to.deep.equal({ merged: { b: 1 } });
  });

  it("entries of clusters no longer placed are removed; placed-but-unschedulable ones are left alone", () => {
    const prev = withEntries(multi("a: 1\n", ["m1", "m2", "m3"]), { m1: "h", m2: "h", m3: "h" });
    const e = expectedInstallPlan({ plan: multi("a: 1\n", ["m1", "m3"]), targetClusters: ["m1"], previous: prev });
    expect(e.clusters).to.deep.equal({ m1: {} });
    expect(e.removedClusters).to.deep.equal(["m2"]);
    expect(expectedInstallPlan({ plan: multi("a: 1\n", []), targetClusters: [], previous: prev }).removedClusters).to.deep.equal(["m1", "m2", "m3"]);
  });

  it("end to end: an override change and a dropped cluster are awaited correctly on the controller simulator", async function () {
    this.timeout(15_000);
    const env = await startFakeCluster({ members: ["member1", "member2"] });
    const sim = await ControllerSimulator.start({ store: env.server.store, mode: "auto" });
    try {
      const first = multi("replicas: 1\n", ["member1", "member2"], { member2: "replicas: 3\n" });
      env.server.store.create("installplans", first as never);
      await waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedInstallPlan({ plan: first, targetClusters: ["member1", "member2"] }), timeoutMs: 10_000, pollIntervalMs: 100 });
      const previous = env.server.store.get("installplans", "devops") as unknown as InstallPlan;
      const snapshot = previous.status!.clusterSchedulingStatuses!.member2.configHash!;

      const second = multi("replicas: 1\n", ["member2"], { member2: "replicas: 4\n" });
      const expected = expectedInstallPlan({ plan: second, targetClusters: ["member2"], previous });
      expect(expected).to.deep.include({ clusters: { member2: { mustDifferFrom: snapshot } }, removedClusters: ["member1"] });
      env.server.store.patch("installplans", "devops", undefined, "merge", { spec: second.spec });
      const ready = await waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected, timeoutMs: 10_000, pollIntervalMs: 100 });
      expect(ready.plan.status?.clusterSchedulingStatuses?.member1, "member1's agent was uninstalled").to.equal(undefined);
      expect(ready.plan.status?.clusterSchedulingStatuses?.member2?.configHash).to.not.equal(snapshot);
    } finally {
      sim.stop();
      await env.close();
    }
  });
});
