/**
 * The pack as the Pulumi CLI runs it: `@pulumi/pulumi/cmd/run-policy-pack` in `policy-pack/` (ts-node
 * with type checking, the pack's own tsconfig), then the analyzer gRPC calls the engine makes during
 * `pulumi preview --policy-pack`. This is the only test that goes through `@pulumi/policy`'s real
 * server: its unknown-value proxy, its handling of `UnknownValueError` (advisory "can't run"), config
 * and enforcement levels, remediation, and `analyzeStack` dependency wiring.
 *
 * Limit: the engine itself is not involved (no CLI here), so what it sends is built by hand in the
 * shape its `plugin/analyzer_plugin.go` sends.
 */
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { ANNOTATION_REQUIRED_DEPENDENCIES, COMPONENT_TYPE, INSTALLPLAN_TYPE } from "../../components/kubesphere/annotations";
import { extensionVersion, installPlanFor, UNKNOWN, urnFor } from "./support";

const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

const PACK_DIR = path.resolve(__dirname, "..", "..", "policy-pack");
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

interface Diagnostic { policy: string; level: string; message: string; urn: string }

function options(parent?: string) {
  const o = new analyzerPb.AnalyzerResourceOptions();
  o.setProtect(false);
  if (parent) o.setParent(parent);
  return o;
}

function analyzeRequest(props: object, name: string, type = INSTALLPLAN_TYPE) {
  const req = new analyzerPb.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(urnFor(type, name));
  req.setProperties(Struct.fromJavaScript(props));
  req.setOptions(options());
  return req;
}

function diagnostics(resp: any): Diagnostic[] {
  return resp.getDiagnosticsList().map((d: any) => ({
    policy: d.getPolicyname(),
    level: LEVELS[d.getEnforcementlevel()],
    message: d.getMessage(),
    urn: d.getUrn(),
  }));
}

describe("the policy pack under @pulumi/policy's real analyzer server", function () {
  this.timeout(120_000);
  let child: ChildProcess;
  let client: any;
  const call = (method: string, req: unknown): Promise<any> =>
    new Promise((resolve, reject) => client[method](req, (err: Error | null, resp: unknown) => (err ? reject(err) : resolve(resp))));

  const configure = (config: Record<string, { level: string; props?: object }>) => {
    const req = new analyzerPb.ConfigureAnalyzerRequest();
    for (const [policy, { level, props }] of Object.entries(config)) {
      const pc = new analyzerPb.PolicyConfig();
      pc.setEnforcementlevel(LEVELS.indexOf(level));
      pc.setProperties(Struct.fromJavaScript(props ?? {}));
      req.getPolicyconfigMap().set(policy, pc);
    }
    return call("configure", req);
  };

  before(async () => {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
    child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += String(d)));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += String(d);
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", (code) => reject(new Error(`policy pack exited with ${code} before serving:\n${out}\n${stderr}`)));
    });
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    if (child && child.exitCode === null) child.kill();
  });

  beforeEach(() => configure({}));

  it("describes itself: pack name and all 13 policies with their default levels", async () => {
    const info = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).to.equal("kubesphere-extensions");
    const policies = info.getPoliciesList().map((p: any) => `${p.getName()}=${LEVELS[p.getEnforcementlevel()]}`);
    expect(policies).to.have.length(13);
    expect(policies).to.include("kubesphere-installplan-manual-upgrade-strategy=mandatory");
    expect(policies).to.include("kubesphere-extension-dependencies=mandatory");
  });

  it("passes the InstallPlan KubeSphereExtension emits for devops 1.1.2", async () => {
    const resp = await call("analyze", analyzeRequest(installPlanFor(extensionVersion("devops", "1.1.2")), "devops-installplan"));
    expect(diagnostics(resp)).to.deep.equal([]);
  });

  it("blocks a hand-written plan with upgradeStrategy Automatic and version ^1.1 with two mandatory violations", async () => {
    const props = installPlanFor(extensionVersion("devops", "1.1.2"));
    props.spec.upgradeStrategy = "Automatic";
    props.spec.extension.version = "^1.1";
    const found = diagnostics(await call("analyze", analyzeRequest(props, "devops-by-hand")));
    expect(found.map((d) => `${d.policy}/${d.level}`)).to.have.members([
      "kubesphere-installplan-manual-upgrade-strategy/mandatory",
      "kubesphere-installplan-exact-version/mandatory",
    ]);
    expect(found.find((d) => d.policy === "kubesphere-installplan-exact-version")!.message)
      .to.contain('spec.extension.version "^1.1" is not exact: `^1.1` is a range');
  });

  it("turns an unknown value into an advisory \"can't run during preview\", never a pass, and runs the other policies", async () => {
    const props = installPlanFor(extensionVersion("devops", "1.1.2"));
    props.spec.extension.version = UNKNOWN;
    props.spec.upgradeStrategy = "Automatic";
    const found = diagnostics(await call("analyze", analyzeRequest(props, "devops")));
    const exact = found.find((d) => d.policy === "kubesphere-installplan-exact-version");
    expect(exact?.level).to.equal("advisory");
    expect(exact?.message).to.match(/can't run policy 'kubesphere-installplan-exact-version' .* during preview: string value at \.spec\.extension\.version/);
    expect(found.find((d) => d.policy === "kubesphere-installplan-manual-upgrade-strategy")?.level).to.equal("mandatory");
  });

  it("applies config: a disabled policy stays silent, an advisory one only warns", async () => {
    await configure({
      "kubesphere-installplan-exact-version": { level: "disabled" },
      "kubesphere-installplan-manual-upgrade-strategy": { level: "advisory" },
    });
    const props = installPlanFor(extensionVersion("devops", "1.1.2"));
    props.spec.upgradeStrategy = "Automatic";
    props.spec.extension.version = "latest";
    expect(diagnostics(await call("analyze", analyzeRequest(props, "devops"))).map((d) => `${d.policy}/${d.level}`))
      .to.deep.equal(["kubesphere-installplan-manual-upgrade-strategy/advisory"]);
  });

  it("passes policy config properties through: allowedExtensions", async () => {
    await configure({ "kubesphere-installplan-allowed-extensions": { level: "mandatory", props: { allowedExtensions: ["gateway"] } } });
    const found = diagnostics(await call("analyze", analyzeRequest(installPlanFor(extensionVersion("devops", "1.1.2")), "devops")));
    expect(found).to.have.length(1);
    expect(found[0].message).to.contain('extension "devops" is not in this policy\'s allowedExtensions (gateway)');
  });

  it("remediates upgradeStrategy to Manual when the policy is set to remediate", async () => {
    await configure({ "kubesphere-installplan-manual-upgrade-strategy": { level: "remediate" } });
    const props = installPlanFor(extensionVersion("devops", "1.1.2"));
    props.spec.upgradeStrategy = "Automatic";
    const resp = await call("remediate", analyzeRequest(props, "devops"));
    const [remediation] = resp.getRemediationsList();
    expect(remediation.getPolicyname()).to.equal("kubesphere-installplan-manual-upgrade-strategy");
    expect(remediation.getProperties().toJavaScript()).to.deep.equal(installPlanFor(extensionVersion("devops", "1.1.2")));
  });

  it("analyzeStack: reports a required dependency that is missing, on the dependant's URN; passes once it is ordered", async () => {
    const resource = (type: string, name: string, props: object, parent?: string, deps: string[] = []) => {
      const r = new analyzerPb.AnalyzerResource();
      r.setType(type);
      r.setName(name);
      r.setUrn(urnFor(type, name, parent ? COMPONENT_TYPE : undefined));
      r.setProperties(Struct.fromJavaScript(props));
      r.setOptions(options(parent));
      if (parent) r.setParent(parent);
      r.setDependenciesList(deps);
      return r;
    };
    const monitoringComponent = resource(COMPONENT_TYPE, "whizard-monitoring", { extensionName: "whizard-monitoring", installedDependencies: [] });
    const monitoringProps = installPlanFor(extensionVersion("whizard-monitoring", "1.1.1"));
    const telemetryUrn = urnFor(INSTALLPLAN_TYPE, "whizard-telemetry");
    const analyzeStack = async (deps: string[], withTelemetry: boolean) => {
      const req = new analyzerPb.AnalyzeStackRequest();
      const list = [
        monitoringComponent,
        resource(INSTALLPLAN_TYPE, "whizard-monitoring-installplan", monitoringProps, monitoringComponent.getUrn(), deps),
      ];
      if (withTelemetry) list.push(resource(INSTALLPLAN_TYPE, "whizard-telemetry", installPlanFor(extensionVersion("whizard-telemetry", "1.2.2"))));
      req.setResourcesList(list);
      return diagnostics(await call("analyzeStack", req));
    };

    const missing = await analyzeStack([], false);
    expect(missing).to.have.length(1);
    expect(missing[0].policy).to.equal("kubesphere-extension-dependencies");
    expect(missing[0].level).to.equal("mandatory");
    expect(missing[0].urn).to.equal(urnFor(INSTALLPLAN_TYPE, "whizard-monitoring-installplan", COMPONENT_TYPE));
    expect(missing[0].message).to.contain('requires extension "whizard-telemetry" (>= 1.2.1-0)');

    expect(await analyzeStack([], true)).to.satisfy((d: Diagnostic[]) => d.length === 1 && d[0].message.includes("does not depend on it"));
    expect(await analyzeStack([telemetryUrn], true)).to.deep.equal([]);
  });

  it("analyzeStack: an unknown annotation gives an advisory, not a pass", async () => {
    const props = installPlanFor(extensionVersion("whizard-monitoring", "1.1.1"));
    props.metadata.annotations[ANNOTATION_REQUIRED_DEPENDENCIES] = UNKNOWN;
    const r = new analyzerPb.AnalyzerResource();
    r.setType(INSTALLPLAN_TYPE);
    r.setName("whizard-monitoring");
    r.setUrn(urnFor(INSTALLPLAN_TYPE, "whizard-monitoring"));
    r.setProperties(Struct.fromJavaScript(props));
    r.setOptions(options());
    const req = new analyzerPb.AnalyzeStackRequest();
    req.setResourcesList([r]);
    const found = diagnostics(await call("analyzeStack", req));
    const dep = found.find((d) => d.policy === "kubesphere-extension-dependencies");
    expect(dep?.level).to.equal("advisory");
    expect(dep?.message).to.contain("can't run policy 'kubesphere-extension-dependencies'");
  });
});
