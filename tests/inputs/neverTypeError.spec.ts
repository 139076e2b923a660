import { expect } from "chai";
import * as fc from "fast-check";
import { readYamlDocuments, StaticCatalog } from "../../components/catalog/staticCatalog";
import { ExtensionResolutionError } from "../../components/resolve/errors";
import { parseCommonArgs } from "../../components/resolve/input";
import { resolveSet } from "../../components/resolve/resolveSet";
import { CATALOG_DIR, FIXTURE_FACTS } from "../support/sharedFixture";

const BASE_DOCS = readYamlDocuments([CATALOG_DIR]);
const BASE = new StaticCatalog(BASE_DOCS, FIXTURE_FACTS);

/** JSON-like values, with the strings and numbers stack config and other languages produce. */
const scalar = fc.oneof(fc.constantFrom("false", "true", "", " ", "1.1.2", "devops", "member1", "In", null, NaN, -1, 0, 1.5),
  fc.string(), fc.integer(), fc.boolean());
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("clusters", "clusterSelector", "matchLabels", "matchExpressions", "key", "operator", "values", "a"), tie("v"), { maxKeys: 3 })),
})).v;
const request = fc.record({
  name: fc.oneof(fc.constantFrom("devops", "metrics-server", "whizard-monitoring", " devops"), scalar),
  version: fc.oneof(fc.constantFrom("1.1.2", "0.7.1", "1.1.1"), scalar),
  enabled: value, allowDowngrade: value, adopt: value, retry: value, upgradeStrategy: value,
  config: value, configYaml: value, clusterScheduling: value,
}, { requiredKeys: [] });

async function outcome(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(e, (e as Error)?.stack).to.be.instanceOf(ExtensionResolutionError);
    for (const line of (e as ExtensionResolutionError).problems) expect(line).to.be.a("string").and.not.match(/undefined is not|Cannot read prop/);
  }
}

describe("never a TypeError: arbitrary JSON-like input", () => {
  it("resolveSet answers every random set with a result or an ExtensionResolutionError", async () => {
    await fc.assert(fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 3 }), (reqs) => outcome(resolveSet(BASE, reqs, { stack: "p/s" }))),
      { numRuns: 300, seed: 12 });
  });

  it("parseCommonArgs reports problems for arbitrary arguments, never throws", () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom("kubeconfig", "timeoutSeconds", "catalogPaths", "installedExtensions", "clusterNames", "adopt"), value),
      (args) => { expect(parseCommonArgs(args).problems).to.be.an("array"); }), { numRuns: 300, seed: 7 });
  });

  it("catalogs with arbitrary malformed ExtensionVersions still resolve every other extension", async () => {
    const evShape = fc.record({
      apiVersion: fc.constant("kubesphere.io/v1alpha1"), kind: fc.constant("ExtensionVersion"),
      metadata: fc.oneof(value, fc.record({ name: fc.constantFrom("devops-1.1.2", "zz-1.0.0", "devops-9.9.9"), labels: value })),
      spec: fc.oneof(value, fc.record({ version: value, installationMode: value, externalDependencies: value, ksVersion: value }, { requiredKeys: [] })),
    }, { requiredKeys: ["kind"] });
    await fc.assert(fc.asyncProperty(fc.array(evShape, { maxLength: 3 }), async (extra) => {
      const cat = new StaticCatalog([...BASE_DOCS, ...extra], FIXTURE_FACTS);
      await outcome(resolveSet(cat, [{ name: "devops", version: "1.1.2" }, { name: "zz", version: "1.0.0" }], {}));
      const grafana = await resolveSet(cat, [{ name: "grafana", version: "10.4.1" }], {});
      expect(grafana.order).to.deep.equal(["grafana"]);
    }), { numRuns: 150, seed: 3 });
  });
});
