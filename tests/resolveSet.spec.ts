import { expect } from "chai";
import { StaticCatalog, readYamlDocuments } from "../components/catalog/staticCatalog";
import type { Catalog } from "../components/catalog/catalog";
import { ExtensionResolutionError } from "../components/resolve/errors";
import { parseCommonArgs, parseExtensionRequest } from "../components/resolve/input";
import { resolveSet } from "../components/resolve/resolveSet";
import { CATALOG_DIR, FIXTURE_FACTS, fixtureCatalog } from "./support/sharedFixture";

async function problemsOf(p: Promise<unknown>): Promise<ExtensionResolutionError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(ExtensionResolutionError);
    return e as ExtensionResolutionError;
  }
  throw new Error("expected a rejection");
}

describe("resolveSet", () => {
  it("resolves a set in dependency order; a member satisfies another's dependency as declared", async () => {
    const set = await resolveSet(fixtureCatalog(), [
      { name: "whizard-monitoring", version: "1.1.1" }, { name: "whizard-telemetry", version: "1.2.2" }, { name: "devops", version: "1.1.2" },
    ], {});
    expect(set.order).to.deep.equal(["devops", "whizard-telemetry", "whizard-monitoring"]);
    expect(set.members.map((m) => m.name)).to.deep.equal(set.order);
    const mon = set.members.find((m) => m.name === "whizard-monitoring")!;
    expect(mon.dependencies.find((d) => d.name === "whizard-telemetry")).to.include({ satisfiedBy: "declared", foundVersion: "1.2.2" });
  });

  it("a standalone extension counts what is passed in dependsOn (declared) as declared", async () => {
    const set = await resolveSet(fixtureCatalog(), [{ name: "ob-operator", version: "2.3.2" }], { declared: { "cert-manager": "1.0.0" } });
    expect(set.members[0].dependencies[0]).to.include({ name: "cert-manager", satisfiedBy: "declared" });
    expect(set.order).to.deep.equal(["ob-operator"]);
  });

  it("a standalone extension whose dependency is nowhere says how to declare it, without a member prefix", async () => {
    const e = await problemsOf(resolveSet(fixtureCatalog(), [{ name: "ob-operator", version: "2.3.2" }], {}));
    expect(e.problems).to.have.length(1);
    expect(e.problems[0]).to.match(/^ob-operator 2\.3\.2 requires extension cert-manager/);
    expect(e.problems[0]).to.include("add cert-manager at a satisfying version to the KubeSphereExtensionSet, or declare it as a " +
      "KubeSphereExtension and pass that resource in this extension's `dependsOn`");
    expect(e.message).to.match(/^extension "ob-operator": /);
  });

  it("reports every member's problems at once, each prefixed with the member", async () => {
    const e = await problemsOf(resolveSet(fixtureCatalog(), [
      { name: "devops", version: "9.9.9" }, { name: "whizard-monitoring", version: "1.1.1", enabled: "false" }, { name: 7, version: "1.0.0" },
    ], {}));
    const text = e.problems.join("\n");
    expect(text).to.match(/^extensions\[0\] \(devops\): version 9\.9\.9 does not exist/m);
    expect(text).to.match(/^extensions\[1\] \(whizard-monitoring\): enabled must be true or false/m);
    expect(text).to.match(/^extensions\[1\] \(whizard-monitoring\): whizard-monitoring 1\.1\.1 requires extension whizard-telemetry/m);
    expect(text).to.match(/^extensions\[2\]: name must be a string/m);
    expect(e.message).to.match(/^extension set \(devops, whizard-monitoring, extensions\[2\]\) has 4 problems:/);
  });

  it("reports request checks and catalog checks of one member together", async () => {
    const e = await problemsOf(resolveSet(fixtureCatalog(), [{ name: "devops", version: "1.1.1", allowDowngrade: "true" }], {}));
    expect(e.problems).to.have.length(1); // nothing installed: only the type problem
    const installed = await problemsOf(resolveSet(fixtureCatalog({ installed: { devops: "1.1.3" } }),
      [{ name: "devops", version: "1.1.1", allowDowngrade: "true", configYaml: "a: [" }], {}));
    expect(installed.problems.join("\n")).to.match(/allowDowngrade must be true or false/);
    expect(installed.problems.join("\n")).to.match(/configYaml does not parse/);
    expect(installed.problems.join("\n")).to.match(/lower than the installed version 1\.1\.3/);
  });

  it("a catalog that cannot be read never hides a shape problem", async () => {
    const fail = async (): Promise<never> => { throw new Error("connect ECONNREFUSED 127.0.0.1:6443"); };
    const down: Catalog = { description: "the cluster at https://127.0.0.1:6443", extensionVersions: fail, extensions: fail,
      categories: fail, repositories: fail, clusters: fail, installPlans: fail, hostVersions: fail };
    const e = await problemsOf(resolveSet(down, [{ name: "devops", version: "^1.1", retry: "2" }], {}));
    expect(e.problems.join("\n")).to.match(/version "\^1\.1" is not an exact version/);
    expect(e.problems.join("\n")).to.match(/retry must be a whole number/);
    expect(e.problems.join("\n")).to.match(/cannot read the catalog \(the cluster at https:\/\/127\.0\.0\.1:6443\): connect ECONNREFUSED/);
  });

  it("spells out a cycle among members", async () => {
    const ev = (n: string, dep: string) => ({ apiVersion: "kubesphere.io/v1alpha1", kind: "ExtensionVersion",
      metadata: { name: `${n}-1.0.0`, labels: { "kubesphere.io/extension-ref": n } },
      spec: { version: "1.0.0", externalDependencies: [{ name: dep, version: ">=1.0.0", required: true }] } });
    const cat = new StaticCatalog([...readYamlDocuments([CATALOG_DIR]), ev("a", "b"), ev("b", "c"), ev("c", "a")], FIXTURE_FACTS);
    const e = await problemsOf(resolveSet(cat, ["a", "b", "c"].map((name) => ({ name, version: "1.0.0" })), {}));
    expect(e.problems).to.deep.equal([e.problems.find((p) => p.includes("a -> b -> c -> a"))]);
  });

  it("gives the same answer twice in one process (no shared state)", async () => {
    const req = [{ name: "whizard-telemetry", version: "1.2.2" }, { name: "whizard-monitoring", version: "1.1.1" }];
    const a = await resolveSet(fixtureCatalog(), req, { stack: "p/s" });
    const b = await resolveSet(fixtureCatalog(), req, { stack: "p/s" });
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
  });

  it("an empty set resolves to nothing; a non-list is refused", async () => {
    expect(await resolveSet(fixtureCatalog(), [], {})).to.deep.equal({ members: [], order: [] });
    const e = await problemsOf(resolveSet(fixtureCatalog(), "devops" as never, {}));
    expect(e.problems[0]).to.match(/extensions must be a list of \{ name, version, \.\.\. \} entries, not the string "devops"/);
  });
});

describe("parseExtensionRequest and parseCommonArgs", () => {
  it("returns the request only when it is well-typed", () => {
    expect(parseExtensionRequest({ name: "devops", version: "1.1.2", enabled: false })).to.deep.equal({
      request: { name: "devops", version: "1.1.2", enabled: false }, problems: [],
    });
    const bad = parseExtensionRequest({ name: "devops", version: "1.1.2", enabled: "false" }, "extensions[3]");
    expect(bad.request).to.equal(undefined);
    expect(bad.problems).to.deep.equal([{ path: "extensions[3].enabled",
      message: 'extensions[3].enabled must be true or false (a boolean), not the string "false"; strings are never read as booleans; ' +
        "stack config values are strings: read them with `config.requireBoolean(...)` (or `config.getBoolean`) instead of `config.require(...)`" }]);
  });

  it("type-checks the common arguments and never quotes the kubeconfig", () => {
    const r = parseCommonArgs({ kubeconfig: ["apiVersion: v1 token: abc"], timeoutSeconds: 600, catalogPaths: ["./c"], name: "ignored" });
    expect(r.args).to.deep.equal({ timeoutSeconds: 600, catalogPaths: ["./c"] });
    expect(r.problems).to.have.length(1);
    expect(r.problems[0].message).to.equal("kubeconfig must be a string (kubeconfig YAML text), not a list");
  });
});
