import { expect } from "chai";
import * as path from "path";
import { museumCatalog } from "../../components/catalog/museumIndex";
import { readYamlDocuments } from "../../components/catalog/staticCatalog";
import { validateCatalogObjects } from "../../components/catalog/validate";
import { CATALOG_DIR } from "../support/sharedFixture";

const ev = (spec: Record<string, unknown>, name = "x-1.0.0") => ({
  apiVersion: "kubesphere.io/v1alpha1", kind: "ExtensionVersion", metadata: { name, labels: { "kubesphere.io/extension-ref": "x" } },
  spec: { version: "1.0.0", ...spec },
});

describe("catalog object validation", () => {
  it("accepts every object of the real v4.1.3 catalog", () => {
    const docs = readYamlDocuments([CATALOG_DIR]);
    const r = validateCatalogObjects(docs, "v4.1.3");
    expect(r.invalid).to.deep.equal([]);
    expect(r.valid).to.have.length(docs.length);
  });

  it("accepts what the museum fixture builds", async () => {
    const { catalog, warnings } = museumCatalog(path.join(__dirname, "../fixtures/museum/index.yaml"), { ksVersion: "v4.1.3", kubeVersion: "v1.30.4" });
    expect(await catalog.invalidObjects()).to.deep.equal([]);
    expect(warnings.join("\n")).to.not.match(/malformed/);
  });

  it("sets aside malformed objects with every problem, never throwing", () => {
    const r = validateCatalogObjects([
      null, 5, { kind: "ExtensionVersion" }, ev({ installationMode: "multicluster", externalDependencies: [{ version: "~>" }] }),
      { kind: "Unrelated", whatever: true }, ev({}, "x-1.0.1"),
    ], "test");
    expect(r.valid).to.have.length(1); // the unrelated kind passes through
    expect(r.invalid.map((o) => o.problems.length)).to.deep.equal([1, 1, 1, 3, 1]);
    const bad = r.invalid.find((o) => o.name === "x-1.0.0")!;
    expect(bad.extension).to.equal("x");
    expect(bad.problems.join("\n")).to.match(/installationMode "multicluster" is not valid.*write "Multicluster"/);
    expect(bad.problems.join("\n")).to.match(/externalDependencies\[0\]\.name is missing/);
    expect(bad.problems.join("\n")).to.match(/externalDependencies\[0\]\.version "~>" is an unparsable range/);
    expect(r.invalid.find((o) => o.name === "x-1.0.1")!.problems[0]).to.match(/disagrees with the name "x-1\.0\.1"/);
  });

  it("sets aside both of two objects with one name", () => {
    const r = validateCatalogObjects([ev({}), ev({})], "test");
    expect(r.valid).to.deep.equal([]);
    expect(r.invalid).to.have.length(2);
    expect(r.invalid[0].problems[0]).to.match(/2 ExtensionVersion objects are named "x-1\.0\.0"/);
  });

  it("takes the LIST's kind for items without kind", () => {
    const r = validateCatalogObjects([{ metadata: { name: "p" } }], "cluster", "InstallPlan");
    expect(r.invalid[0]).to.include({ kind: "InstallPlan", name: "p" });
  });
});
