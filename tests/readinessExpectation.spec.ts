import { expect } from "chai";
import { expectationFor, mergeValues } from "../components/readinessExpectation";
import { resolveExtension } from "../components/resolve/resolve";
import { StaticCatalog, readYamlDocuments } from "../components/catalog/staticCatalog";
import { CATALOG_DIR, FIXTURE_FACTS, fixtureCatalog } from "./support/sharedFixture";
import type { InstallPlan } from "../components/kubesphere/types";

function withExisting(plan: InstallPlan): StaticCatalog {
  return new StaticCatalog([...readYamlDocuments([CATALOG_DIR]), plan], FIXTURE_FACTS);
}

const installedPlan = (spec: InstallPlan["spec"], clusterHashes: Record<string, string>): InstallPlan => ({
  apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "metrics-server" }, spec,
  status: {
    state: "Installed", version: spec.extension.version, configHash: "h-host",
    clusterSchedulingStatuses: Object.fromEntries(Object.entries(clusterHashes).map(([c, h]) => [c, { state: "Installed", configHash: h, version: spec.extension.version }])),
  },
});

describe("expectationFor (Appendix A)", () => {
  it("expects the host hash on clusters without an override", async () => {
    const r = await resolveExtension(fixtureCatalog(), { name: "metrics-server", version: "0.7.1", config: { a: 1 }, clusterScheduling: { clusters: ["member1"] } });
    expect(expectationFor(r)).to.deep.equal({ name: "metrics-server", version: "0.7.1", configHash: r.configHash, enabled: true, clusters: { member1: {} } });
  });

  it("expects a new hash on a cluster whose effective override values changed", async () => {
    const before = installedPlan({ extension: { name: "metrics-server", version: "0.7.1" }, enabled: true, config: "a: 1\n",
      clusterScheduling: { placement: { clusters: ["member1"] }, overrides: { member1: "b: 1\n" } } }, { member1: "h-old" });
    const r = await resolveExtension(withExisting(before), { name: "metrics-server", version: "0.7.1", config: { a: 1 },
      clusterScheduling: { clusters: ["member1"], overrides: { member1: { b: 2 } } } });
    expect(expectationFor(r).clusters).to.deep.equal({ member1: { mustDifferFrom: "h-old" } });
  });

  it("keeps the recorded hash when only the text (not the merged values) changed, or only the version", async () => {
    const before = installedPlan({ extension: { name: "metrics-server", version: "0.7.0" }, enabled: true, config: "a: 1\n",
      clusterScheduling: { placement: { clusters: ["member1"] }, overrides: { member1: "b:   1\n" } } }, { member1: "h-keep" });
    const r = await resolveExtension(withExisting(before), { name: "metrics-server", version: "0.7.1", configYaml: "a:    1\n",
      clusterScheduling: { clusters: ["member1"], overridesYaml: { member1: "b: 1" } } });
    expect(expectationFor(r).clusters).to.deep.equal({ member1: { configHash: "h-keep" } });
  });

  it("waits for removed clusters to disappear", async () => {
    const before = installedPlan({ extension: { name: "metrics-server", version: "0.7.1" }, enabled: true,
      clusterScheduling: { placement: { clusters: ["member1", "member2"] } } }, { member1: "h", member2: "h" });
    const r = await resolveExtension(withExisting(before), { name: "metrics-server", version: "0.7.1", clusterScheduling: { clusters: ["member1"] } });
    expect(expectationFor(r).removedClusters).to.deep.equal(["member2"]);
  });

  it("merges like the controller: nested maps merge, lists and scalars replace", () => {
    expect(mergeValues({ a: { x: 1, y: [1, 2] }, b: 1 }, { a: { y: [3], z: 2 }, c: 3 }))
      .to.deep.equal({ a: { x: 1, y: [3], z: 2 }, b: 1, c: 3 });
  });
});
