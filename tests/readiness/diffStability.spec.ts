import { expect } from "chai";
import { changedReadinessKeys } from "../../components/readiness/dynamicReadiness";

describe("readiness diff stays quiet on a re-run with no change", () => {
  const spec = { name: "metrics-server", version: "0.7.1", configHash: "cbf29ce484222325", enabled: true };
  const first = { planName: "metrics-server", specHash: "a", timeoutSeconds: 600,
    expected: { ...spec, clusters: { member1: { mustDifferFrom: "" }, member2: {} } } };
  const second = { planName: "metrics-server", specHash: "a", timeoutSeconds: 600,
    expected: { ...spec, clusters: { member2: {}, member1: { configHash: "1234567890abcdef" } } } };

  it("ignores hash snapshots of override clusters, which move after every successful run", () => {
    expect(changedReadinessKeys(first, second)).to.deep.equal([]);
  });

  it("ignores removedClusters, which are gone once removed", () => {
    expect(changedReadinessKeys({ ...first, expected: { ...first.expected, removedClusters: ["member3"] } }, first)).to.deep.equal([]);
  });

  it("still re-waits when the applied spec changes: a cluster added, or the overrides (specHash)", () => {
    expect(changedReadinessKeys(first, { ...first, expected: { ...spec, clusters: { member1: {}, member2: {}, member3: {} } } })).to.deep.equal(["expected"]);
    expect(changedReadinessKeys(first, { ...first, specHash: "b" })).to.deep.equal(["specHash"]);
    expect(changedReadinessKeys(first, { ...first, expected: { ...first.expected, version: "0.7.0" } })).to.deep.equal(["expected"]);
  });
});
