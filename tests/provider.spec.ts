/**
 * The package's own provider (what `pulumi package add` runs for YAML, Python, Go, ...), driven the
 * way the engine drives it — `construct` for the components, check/diff for the readiness custom
 * resource — under Pulumi mocks. The real engine path is in e2e/tests/yaml.spec.ts.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { KubeSphereProvider } from "../components/provider/provider";
import { CATALOG_DIR } from "./support/sharedFixture";
import { installMocks, PROVIDER_READINESS_TYPE, READINESS_TYPE, Registration, settle, valueOf } from "./support/pulumiMocks";

const offline = { catalogPaths: [CATALOG_DIR], ksVersion: "v4.1.3", kubeVersion: "v1.30.4" };
const READY_URN = `urn:pulumi:dev::proj::kubesphere:index:KubeSphereExtension$${PROVIDER_READINESS_TYPE}::x-readiness`;

describe("the kubesphere provider", () => {
  let regs: Registration[];
  const provider = new KubeSphereProvider();
  beforeEach(async () => { regs = await installMocks(false); });

  it("serves the schema under the package name kubesphere, with the kubeconfig secret", async () => {
    const schema = JSON.parse(await provider.getSchema());
    expect(schema.name).to.equal("kubesphere");
    expect(Object.keys(schema.resources).sort()).to.deep.equal(["kubesphere:index:KubeSphereExtension", "kubesphere:index:KubeSphereExtensionSet"]);
    expect(schema.resources["kubesphere:index:KubeSphereExtension"].inputProperties.kubeconfig.secret).to.equal(true);
    expect(schema.resources["kubesphere:index:KubeSphereExtensionSet"].inputProperties.kubeconfig.secret).to.equal(true);
    expect(provider.version).to.equal(schema.version);
  });

  it("constructs an extension whose readiness is the provider's custom resource (no dynamic provider)", async () => {
    const result = await provider.construct("gw", "kubesphere:index:KubeSphereExtension", { name: "gateway", version: "1.0.5", ...offline }, {});
    const state = result.state as Record<string, pulumi.Output<unknown>>;
    expect(await valueOf(state.extensionName)).to.equal("gateway");
    expect(await valueOf(state.state)).to.equal("Installed");
    await settle();
    expect(regs.filter((r) => r.type === PROVIDER_READINESS_TYPE).map((r) => r.name)).to.deep.equal(["gw-readiness"]);
    expect(regs.filter((r) => r.type === READINESS_TYPE)).to.have.length(0);
    expect(Object.keys(state).sort()).to.include.members(["configHash", "extensionName", "installPlanSpec", "state", "version"]);
  });

  it("returns a resolution failure as the message TypeScript shows, without a stack trace", async () => {
    const err = await provider.construct("bad", "kubesphere:index:KubeSphereExtension", { name: "devops", version: "9.9.9", ...offline }, {})
      .then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(Error);
    expect(err!.message).to.match(/^extension "devops": .*no ExtensionVersion "devops-9\.9\.9"/);
    expect(err!.message).to.not.match(/error serializing|    at /);
  });

  it("reads extensions stated in dependsOn by URN (the engine's getResource), as construct receives them", async () => {
    const tel = await provider.construct("tel", "kubesphere:index:KubeSphereExtension", { name: "whizard-telemetry", version: "1.2.2", ...offline }, {});
    await settle();
    const telUrn = await valueOf(tel.urn as pulumi.Output<string>);
    const mon = await provider.construct("mon", "kubesphere:index:KubeSphereExtension", { name: "whizard-monitoring", version: "1.1.1", ...offline },
      { dependsOn: [new pulumi.DependencyResource(telUrn)] });
    expect(await valueOf((mon.state as Record<string, pulumi.Output<string>>).version)).to.equal("1.1.1");
    // Without the statement, the same request fails and says how to declare the dependency.
    const alone = await provider.construct("mon2", "kubesphere:index:KubeSphereExtension", { name: "whizard-monitoring", version: "1.1.1", ...offline }, {})
      .then(() => "", (e: Error) => e.message);
    expect(alone).to.match(/requires extension whizard-telemetry.*dependsOn/);
  });

  it("constructs a set resolved once, members in dependency order", async () => {
    const result = await provider.construct("obs", "kubesphere:index:KubeSphereExtensionSet", {
      extensions: [{ name: "whizard-monitoring", version: "1.1.1" }, { name: "whizard-telemetry", version: "1.2.2" }], ...offline,
    }, {});
    expect(await valueOf((result.state as Record<string, pulumi.Output<string[]>>).order)).to.deep.equal(["whizard-telemetry", "whizard-monitoring"]);
  });

  it("refuses component types it does not have", async () => {
    const err = await provider.construct("x", "kubesphere:index:Nope", {}, {}).then(() => "", (e: Error) => e.message);
    expect(err).to.match(/no component kubesphere:index:Nope/);
  });

  it("checks and diffs the readiness resource with the same rules as the dynamic resource", async () => {
    const check = await provider.check!(READY_URN, {}, { planName: "", expected: {}, timeoutSeconds: -1, removeWithDependents: "true" });
    expect(check.failures!.map((f) => f.property)).to.include.members(["planName", "timeoutSeconds", "removeWithDependents"]);
    const same = { planName: "gateway", expected: { name: "gateway", version: "1.0.5", configHash: "cbf29ce484222325", enabled: true }, timeoutSeconds: 900 };
    expect((await provider.diff!("gateway", READY_URN, same, same)).changes).to.equal(false);
    const changed = await provider.diff!("gateway", READY_URN, same, { ...same, expected: { ...same.expected, version: "1.0.6" } });
    expect(changed.changes).to.equal(true);
    expect(changed.replaces).to.deep.equal([]);
    const wrongType = await provider.check!("urn:pulumi:dev::proj::kubesphere:index:Other::x", {}, {}).then(() => "", (e: Error) => e.message);
    expect(wrongType).to.match(/no resource type kubesphere:index:Other/);
  });
});
