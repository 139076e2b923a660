import { expect } from "chai";
import { fixtureCatalog } from "./support/sharedFixture";
import { resolveExtension } from "../components/resolve/resolve";
import { ExtensionResolutionError } from "../components/resolve/errors";
import type { ExtensionRequest } from "../components/resolve/request";
import type { ResolveContext } from "../components/resolve/resolve";
import type { ClusterFacts } from "../components/catalog/staticCatalog";
import { fnv1a64Hex } from "../components/config/configHash";

async function problemsOf(req: ExtensionRequest, ctx: ResolveContext = {}, facts: ClusterFacts = {}): Promise<string[]> {
  try {
    await resolveExtension(fixtureCatalog(facts), req, ctx);
  } catch (e) {
    expect(e).to.be.instanceOf(ExtensionResolutionError);
    return (e as ExtensionResolutionError).problems;
  }
  throw new Error(`expected ${JSON.stringify(req)} to be rejected`);
}

describe("resolveExtension on the shared v4.1.3 catalog", () => {
  it("resolves devops 1.1.2 into the exact InstallPlan", async () => {
    const r = await resolveExtension(fixtureCatalog(), { name: "devops", version: "1.1.2", config: { b: 1, a: { z: true, c: "x" } } });
    expect(r.installPlan).to.deep.equal({
      apiVersion: "kubesphere.io/v1alpha1",
      kind: "InstallPlan",
      metadata: {
        name: "devops",
        annotations: {
          "kubesphere-ext.io/installation-mode": "Multicluster",
          "kubesphere-ext.io/required-dependencies": "[]",
        },
      },
      spec: {
        extension: { name: "devops", version: "1.1.2" },
        enabled: true,
        upgradeStrategy: "Manual",
        config: "a:\n  c: x\n  z: true\nb: 1\n",
      },
    });
    expect(r.targetNamespace).to.equal("kubesphere-devops-system");
    expect(r.configHash).to.equal(fnv1a64Hex("a:\n  c: x\n  z: true\nb: 1\n"));
    expect(r.recommendedVersion).to.equal("1.1.3");
  });

  it("defaults the target namespace to extension-<name> and omits config when none is given", async () => {
    const r = await resolveExtension(fixtureCatalog(), { name: "cert-manager", version: "1.0.0" });
    expect(r.targetNamespace).to.equal("extension-cert-manager");
    expect(r.installPlan.spec).to.not.have.property("config");
    expect(r.configHash).to.equal("cbf29ce484222325");
  });

  it("trims YAML config like the admission webhook (CRLF and trailing spaces)", async () => {
    const r = await resolveExtension(fixtureCatalog(), { name: "devops", version: "1.1.2", configYaml: "a: 1  \r\nb:\t\r\n  c: 2 \n" });
    expect(r.installPlan.spec.config).to.equal("a: 1\nb:\n  c: 2\n");
  });

  it("renders the same object to the same string whatever the key order", async () => {
    const a = await resolveExtension(fixtureCatalog(), { name: "devops", version: "1.1.2", config: { x: 1, y: { b: 2, a: 1 } } });
    const b = await resolveExtension(fixtureCatalog(), { name: "devops", version: "1.1.2", config: { y: { a: 1, b: 2 }, x: 1 } });
    expect(a.installPlan.spec.config).to.equal(b.installPlan.spec.config);
  });

  it("satisfies a required dependency with an extension declared in the same program", async () => {
    const r = await resolveExtension(fixtureCatalog(), { name: "ob-operator", version: "2.3.2" }, { declared: { "cert-manager": "1.0.0" } });
    expect(r.dependencies).to.deep.equal([{ name: "cert-manager", range: ">= 1.0.0-0", required: true, satisfiedBy: "declared", foundVersion: "1.0.0" }]);
    expect(JSON.parse(r.installPlan.metadata.annotations!["kubesphere-ext.io/required-dependencies"]))
      .to.deep.equal([{ name: "cert-manager", version: ">= 1.0.0-0" }]);
  });

  it("satisfies a required dependency with an extension installed in the cluster", async () => {
    const r = await resolveExtension(fixtureCatalog({ installed: { "cert-manager": "1.0.0" } }), { name: "ob-operator", version: "2.3.2" });
    expect(r.dependencies[0].satisfiedBy).to.equal("installed");
  });

  it("reports unsatisfied optional dependencies as warnings, not errors", async () => {
    const r = await resolveExtension(fixtureCatalog(), { name: "deepseek", version: "0.1.0" });
    expect(r.warnings.join("\n")).to.match(/optional dependency gateway >= 1\.0\.2 is not satisfied/);
    expect(r.warnings.join("\n")).to.match(/optional dependency nvidia-gpu-operator/);
  });

  it("places a Multicluster extension on existing member clusters with trimmed overrides", async () => {
    const r = await resolveExtension(fixtureCatalog(), {
      name: "metrics-server", version: "0.7.1",
      clusterScheduling: { clusters: ["member1", "member2"], overrides: { member2: { replicas: 2 } }, overridesYaml: { member1: "replicas: 3   \n" } },
    });
    expect(r.installPlan.spec.clusterScheduling).to.deep.equal({
      placement: { clusters: ["member1", "member2"] },
      overrides: { member1: "replicas: 3\n", member2: "replicas: 2\n" },
    });
    expect(r.targetClusters).to.deep.equal(["member1", "member2"]);
  });

  it("always includes placement, even for a selector-only scheduling", async () => {
    const r = await resolveExtension(fixtureCatalog(), { name: "metrics-server", version: "0.7.1", clusterScheduling: { clusterSelector: {} } });
    expect(r.installPlan.spec.clusterScheduling).to.deep.equal({ placement: { clusterSelector: {} } });
    expect(r.targetClusters).to.deep.equal(["host", "member1", "member2"]);
  });

  it("accepts a vendor Kubernetes version when the constraint names a pre-release (-0)", async () => {
    const r = await resolveExtension(fixtureCatalog({ kubeVersion: "v1.30.0-tke.1" }), { name: "devops", version: "1.1.2" });
    expect(r.version).to.equal("1.1.2");
  });

  it("a retry counter changes the config hash but not the values", async () => {
    const a = await resolveExtension(fixtureCatalog(), { name: "devops", version: "1.1.2", config: { a: 1 } });
    const b = await resolveExtension(fixtureCatalog(), { name: "devops", version: "1.1.2", config: { a: 1 }, retry: 1 });
    expect(b.installPlan.spec.config).to.equal("a: 1\n# kubesphere-ext.io/retry: 1\n");
    expect(b.configHash).to.not.equal(a.configHash);
  });

  it("allows an explicit downgrade", async () => {
    const r = await resolveExtension(fixtureCatalog({ installed: { devops: "1.1.3" } }), { name: "devops", version: "1.1.2", allowDowngrade: true });
    expect(r.installedVersion).to.equal("1.1.3");
  });
});

describe("resolveExtension rejects bad input with every problem and what would be valid", () => {
  const cases: Array<{ title: string; req: ExtensionRequest; ctx?: ResolveContext; facts?: ClusterFacts; expect: RegExp[] }> = [
    { title: "empty name", req: { name: "", version: "1.0.0" }, expect: [/name is empty/] },
    { title: "upper-case name", req: { name: "DevOps", version: "1.1.2" }, expect: [/not a valid extension name: it must be a DNS-1123/] },
    { title: "name with underscore", req: { name: "dev_ops", version: "1.1.2" }, expect: [/DNS-1123/] },
    { title: "name longer than 63", req: { name: "a".repeat(64), version: "1.0.0" }, expect: [/at most 63 characters/] },
    { title: "unknown extension with a close name", req: { name: "devopz", version: "1.1.2" }, expect: [/does not exist in static catalog/, /did you mean "devops"/] },
    { title: "unknown extension far from any name", req: { name: "qqqqqqqqqq", version: "1.0.0" }, expect: [/extensions that exist: cert-manager, deepseek, devops/] },
    { title: "missing version lists existing and recommended", req: { name: "devops", version: "9.9.9" }, expect: [/no ExtensionVersion "devops-9\.9\.9"/, /versions that exist: 1\.1\.1, 1\.1\.2, 1\.1\.3 \(recommended: 1\.1\.3\)/, /silently do nothing/] },
    { title: "version older than the synced window mentions depth", req: { name: "whizard-monitoring", version: "1.0.0" }, expect: [/keeps only the newest 3 version\(s\)/, /spec\.depth/] },
    { title: "absent whizard-monitoring 1.2.1", req: { name: "whizard-monitoring", version: "1.2.1" }, expect: [/versions that exist: 1\.1\.0, 1\.1\.1/] },
    { title: "latest", req: { name: "devops", version: "latest" }, expect: [/not an exact version/, /exact pin is required/, /Versions that exist: 1\.1\.1, 1\.1\.2, 1\.1\.3/] },
    { title: "caret range", req: { name: "devops", version: "^1.1" }, expect: [/"\^1\.1" is not an exact version/] },
    { title: ">= range", req: { name: "devops", version: ">=1" }, expect: [/not an exact version/] },
    { title: "empty version", req: { name: "devops", version: "" }, expect: [/not an exact version/] },
    { title: "v-prefixed version", req: { name: "devops", version: "v1.1.2" }, expect: [/not an exact version/] },
    { title: "two-part version", req: { name: "devops", version: "1.1" }, expect: [/not an exact version/] },
    { title: "recommendedVersion keyword", req: { name: "devops", version: "recommendedVersion" }, expect: [/not an exact version/] },
    { title: "ksVersion too old", req: { name: "devops", version: "1.1.2" }, facts: { ksVersion: "v4.1.1" }, expect: [/requires KubeSphere >=4\.1\.2-0 \(ksVersion\) but the host runs v4\.1\.1/, /versions that fit this host: 1\.1\.1/] },
    { title: "ksVersion unknown", req: { name: "devops", version: "1.1.2" }, facts: { ksVersion: undefined }, expect: [/KubeSphere version of the host could not be determined/, /ksVersion/] },
    { title: "network 1.3.0 needs KubeSphere 4.2", req: { name: "network", version: "1.3.0" }, expect: [/>=4\.2\.0-0/, /versions that fit this host: 1\.1\.0/] },
    { title: "kubeVersion too old", req: { name: "ob-operator", version: "2.3.2" }, ctx: { declared: { "cert-manager": "1.0.0" } }, facts: { kubeVersion: "v1.21.0" }, expect: [/requires Kubernetes >=1\.22\.15-0 \(kubeVersion\) but the host runs v1\.21\.0/] },
    { title: "clusterScheduling on HostOnly", req: { name: "grafana", version: "10.4.1", clusterScheduling: { clusters: ["member1"] } }, expect: [/grafana 10\.4\.1 is HostOnly/, /remove clusterScheduling/] },
    { title: "unknown placement cluster", req: { name: "metrics-server", version: "0.7.1", clusterScheduling: { clusters: ["member9"] } }, expect: [/do not exist: "member9"/, /clusters that exist: host, member1, member2/] },
    { title: "unknown override cluster", req: { name: "metrics-server", version: "0.7.1", clusterScheduling: { clusters: ["member1"], overridesYaml: { ghost: "a: 1" } } }, expect: [/do not exist: "ghost"/] },
    { title: "duplicate placement cluster", req: { name: "metrics-server", version: "0.7.1", clusterScheduling: { clusters: ["member1", "member1"] } }, expect: [/more than once/] },
    { title: "required dependency missing", req: { name: "ob-operator", version: "2.3.2" }, expect: [/requires extension cert-manager >= 1\.0\.0-0, but cert-manager is neither declared/] },
    { title: "required dependency declared at a non-satisfying version", req: { name: "whizard-monitoring", version: "1.1.1" }, ctx: { declared: { "whizard-telemetry": "1.0.0" } }, expect: [/declared in this program \(dependsOn\) at 1\.0\.0, which does not satisfy >= 1\.2\.1-0/] },
    { title: "required dependency installed at a non-satisfying version", req: { name: "whizard-monitoring", version: "1.1.1" }, facts: { installed: { "whizard-telemetry": "1.1.0" } }, expect: [/the cluster has whizard-telemetry 1\.1\.0 installed, which does not satisfy/] },
    { title: "two required dependencies missing are both listed", req: { name: "whizard-alerting", version: "1.0.3" }, expect: [/whizard-monitoring >= 0\.1\.0/, /whizard-telemetry >= 0\.4\.3/] },
    { title: "config YAML that does not parse gives the line", req: { name: "devops", version: "1.1.2", configYaml: "a: 1\nb: [1, 2\nc: 3\n" }, expect: [/configYaml does not parse as YAML at line \d+/] },
    { title: "config YAML that is a list", req: { name: "devops", version: "1.1.2", configYaml: "- a\n- b\n" }, expect: [/must be a mapping/] },
    { title: "config and configYaml both set", req: { name: "devops", version: "1.1.2", config: { a: 1 }, configYaml: "a: 1" }, expect: [/both config and configYaml are set/] },
    { title: "override YAML that does not parse", req: { name: "metrics-server", version: "0.7.1", clusterScheduling: { clusters: ["member1"], overridesYaml: { member1: "a: [" } } }, expect: [/overridesYaml\["member1"\] does not parse as YAML/] },
    { title: "invalid upgradeStrategy", req: { name: "devops", version: "1.1.2", upgradeStrategy: "Sometimes" }, expect: [/upgradeStrategy "Sometimes" is not valid/] },
    { title: "downgrade refused", req: { name: "devops", version: "1.1.1" }, facts: { installed: { devops: "1.1.3" } }, expect: [/lower than the installed version 1\.1\.3/, /allowDowngrade/] },
    { title: "negative retry", req: { name: "devops", version: "1.1.2", retry: -1 }, expect: [/retry must be a whole number/] },
    { title: "several problems at once", req: { name: "grafana", version: "10.4.1", configYaml: "a: [", upgradeStrategy: "Never", clusterScheduling: { clusters: ["nope"] } }, expect: [/configYaml does not parse/, /upgradeStrategy "Never"/, /HostOnly/, /do not exist: "nope"/] },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      const problems = await problemsOf(c.req, c.ctx, c.facts);
      for (const re of c.expect) expect(problems.join("\n")).to.match(re);
    });
  }
  it(`covers at least 25 distinct bad inputs (has ${cases.length})`, () => {
    expect(cases.length).to.be.at.least(25);
  });

  it("the error message lists every problem", async () => {
    try {
      await resolveExtension(fixtureCatalog(), { name: "whizard-alerting", version: "1.0.3" });
      expect.fail("should reject");
    } catch (e) {
      expect((e as Error).message).to.match(/has 2 problems:\n  - .*whizard-monitoring.*\n  - .*whizard-telemetry/);
    }
  });
});

describe("refusing to uninstall a dependency that is still required", () => {
  const planOf = (name: string, version: string, stack?: string) => ({
    apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan",
    metadata: { name, annotations: stack ? { "kubesphere-ext.io/managed-by-stack": stack } : {} },
    spec: { extension: { name, version }, enabled: true },
  });
  async function catalogWithPlan(stack?: string) {
    const { StaticCatalog } = await import("../components/catalog/staticCatalog");
    const { readYamlDocuments } = await import("../components/catalog/staticCatalog");
    const { CATALOG_DIR, FIXTURE_FACTS } = await import("./support/sharedFixture");
    return new StaticCatalog([...readYamlDocuments([CATALOG_DIR]), planOf("cert-manager", "1.0.0", stack)],
      { ...FIXTURE_FACTS, installed: { "cert-manager": "1.0.0" } });
  }

  it("refuses when this stack installed the dependency and no longer declares it", async () => {
    let problems: string[] = [];
    await resolveExtension(await catalogWithPlan("proj/dev"), { name: "ob-operator", version: "2.3.2" }, { stack: "proj/dev" })
      .catch((e) => { problems = e.problems; });
    expect(problems.join("\n")).to.match(/requires cert-manager >= 1\.0\.0-0, which this stack \(proj\/dev\) installed but no longer declares, so this update would uninstall it/);
  });

  it("accepts a dependency installed by someone else", async () => {
    const r = await resolveExtension(await catalogWithPlan("other/prod"), { name: "ob-operator", version: "2.3.2" }, { stack: "proj/dev" });
    expect(r.dependencies[0].satisfiedBy).to.equal("installed");
    expect(r.installPlan.metadata.annotations!["kubesphere-ext.io/managed-by-stack"]).to.equal("proj/dev");
  });
});
