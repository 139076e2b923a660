/**
 * The real Pulumi engine, language host and Kubernetes provider against a real kube-apiserver with
 * the KubeSphere CRDs, the catalog fixture and the controller simulator. Each scenario is one user
 * story from the runbook. Run by `.ci/run` after the unit tests (`npm run test:e2e`).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { binDirOrSkip, E2eEnv, exists, kubectlJson, newStack, pulumi, REPO, setConfig, startE2e, stopE2e, WORK_DIR } from "./harness";

const FAULTS = {
  faults: [
    // kubeedge's install always fails inside Helm: the failure scenario.
    { effect: "fail", extension: "kubeedge", action: "install", error: "timed out waiting for the condition: deployment kubeedge/cloudcore not ready" },
  ],
};

function outputs(stdout: string): Record<string, any> {
  return JSON.parse(stdout);
}

describe("end to end: real Pulumi CLI against a real kube-apiserver with the controller simulator", function () {
  this.timeout(15 * 60_000);
  let e: E2eEnv;

  before(function () {
    const binDir = binDirOrSkip(this);
    e = startE2e(binDir!, FAULTS);
  });
  after(() => { if (e) stopE2e(); });

  it("quickstart: `pulumi up` installs an extension after the one it requires and reports outputs", async () => {
    await newStack(e, "quickstart", { extensions: [
      { name: "whizard-monitoring", version: "1.1.1", config: { agent: { enabled: true } } },
      { name: "whizard-telemetry", version: "1.2.2" },
    ] });
    const up = await pulumi(e, ["up", "--yes", "--skip-preview", "--stack", "quickstart"]);
    fs.writeFileSync(path.join(WORK_DIR, "quickstart-up-output.txt"), up.output);
    expect(up.code, up.output).to.equal(0);
    const out = outputs((await pulumi(e, ["stack", "output", "--json", "--stack", "quickstart"])).stdout);
    const byName = Object.fromEntries(out.extensions.map((x: any) => [x.name, x]));
    expect(byName["whizard-telemetry"]).to.include({ state: "Installed", installedVersion: "1.2.2" });
    expect(byName["whizard-monitoring"]).to.include({ state: "Installed", installedVersion: "1.1.1", targetNamespace: "kubesphere-monitoring-system" });
    expect(byName["whizard-monitoring"].jobName).to.match(/^helm-install-whizard-monitoring-[a-z0-9]{5,6}$/);
    // Order: monitoring's plan was written only after telemetry's readiness resource finished, i.e. after
    // the controller reported whizard-telemetry Installed (the engine's step log, in completion order).
    const telReady = up.output.indexOf("whizard-telemetry-readiness created");
    const monCreating = up.output.indexOf("whizard-monitoring-installplan creating");
    expect(telReady, up.output).to.be.greaterThan(-1);
    expect(monCreating, up.output).to.be.greaterThan(telReady);
    const mon = kubectlJson(e, "installplans.kubesphere.io whizard-monitoring");
    expect(mon.spec).to.deep.include({ enabled: true, upgradeStrategy: "Manual", config: "agent:\n  enabled: true\n" });
    // Progress lines reached the per-resource log.
    expect(up.output).to.match(/whizard-telemetry: .*Installed/);
  });

  it("a second `pulumi up` with no change reports no changes (no endless diff)", async () => {
    const preview = await pulumi(e, ["preview", "--expect-no-changes", "--stack", "quickstart"]);
    expect(preview.code, preview.output).to.equal(0);
    const up = await pulumi(e, ["up", "--yes", "--skip-preview", "--expect-no-changes", "--stack", "quickstart"]);
    expect(up.code, up.output).to.equal(0);
  });

  it("a config update is awaited until the controller applied exactly the new config", async () => {
    setConfig("quickstart", { extensions: [
      { name: "whizard-monitoring", version: "1.1.1", config: { agent: { enabled: false } } },
      { name: "whizard-telemetry", version: "1.2.2" },
    ] });
    const up = await pulumi(e, ["up", "--yes", "--skip-preview", "--stack", "quickstart"]);
    expect(up.code, up.output).to.equal(0);
    const mon = kubectlJson(e, "installplans.kubesphere.io whizard-monitoring");
    expect(mon.spec.config).to.equal("agent:\n  enabled: false\n");
    expect(mon.status.state).to.equal("Installed");
    expect(mon.status.jobName).to.match(/^helm-upgrade-whizard-monitoring-/);
    const { fnv1a64Hex } = await import(path.join(REPO, "components/config/configHash"));
    expect(mon.status.configHash).to.equal(fnv1a64Hex(mon.spec.config));
  });

  it("a version upgrade is awaited until the new version is Installed", async () => {
    await newStack(e, "upgrade", { extensions: [{ name: "gateway", version: "1.0.4" }] });
    expect((await pulumi(e, ["up", "--yes", "--skip-preview", "--stack", "upgrade"])).code).to.equal(0);
    setConfig("upgrade", { extensions: [{ name: "gateway", version: "1.0.5" }] });
    const up = await pulumi(e, ["up", "--yes", "--skip-preview", "--stack", "upgrade"]);
    expect(up.code, up.output).to.equal(0);
    const gw = kubectlJson(e, "installplans.kubesphere.io gateway");
    expect(gw.status).to.include({ state: "Installed", version: "1.0.5" });
    expect(gw.status.conditions[0]).to.include({ type: "Upgraded", reason: "UpgradeSuccessful" });
    const out = outputs((await pulumi(e, ["stack", "output", "--json", "--stack", "upgrade"])).stdout);
    expect(out.extensions[0]).to.include({ installedVersion: "1.0.5", state: "Installed" });
  });

  it("`pulumi preview` of a missing version fails with the resolution error and writes nothing", async () => {
    await newStack(e, "missing", { extensions: [{ name: "devops", version: "9.9.9" }] });
    const preview = await pulumi(e, ["preview", "--stack", "missing"]);
    expect(preview.code).to.not.equal(0);
    expect(preview.output).to.match(/no ExtensionVersion "devops-9\.9\.9"/);
    expect(preview.output).to.match(/versions that exist: 1\.1\.1, 1\.1\.2, 1\.1\.3 \(recommended: 1\.1\.3\)/);
    const up = await pulumi(e, ["up", "--yes", "--stack", "missing"]);
    expect(up.code).to.not.equal(0);
    expect(exists(e, "installplans.kubesphere.io devops")).to.equal(false);
  });

  it("an install failure fails `pulumi up` within seconds with the controller's cause", async () => {
    await newStack(e, "failure", { extensions: [{ name: "kubeedge", version: "1.13.1" }], timeoutSeconds: 600 });
    const up = await pulumi(e, ["up", "--yes", "--skip-preview", "--stack", "failure"]);
    expect(up.code).to.not.equal(0);
    expect(up.output).to.match(/InstallFailed/);
    expect(up.output).to.match(/cloudcore not ready|timed out waiting for the condition/);
    expect(up.output).to.match(/helm-install-kubeedge-[a-z0-9]+/);
    expect(up.output).to.match(/retry/);
    // Far below the 600 s timeout: the failure is reported as soon as the controller writes it.
    expect(up.ms).to.be.below(120_000);
    fs.writeFileSync(path.join(WORK_DIR, "failure-up-ms.txt"), String(up.ms));
  });

  it("`pulumi preview --policy-pack` blocks a non-Manual, ranged hand-written InstallPlan", async () => {
    await newStack(e, "policy", { rawPlans: [{ name: "network", version: "^1.1", upgradeStrategy: "Automatic" }] });
    const preview = await pulumi(e, ["preview", "--stack", "policy", "--policy-pack", path.join(REPO, "policy-pack")]);
    expect(preview.code, preview.output).to.not.equal(0);
    expect(preview.output).to.match(/upgradeStrategy/i);
    expect(preview.output).to.match(/\^1\.1/);
    expect(preview.output).to.match(/mandatory/);
    expect(exists(e, "installplans.kubesphere.io network")).to.equal(false);
  });

  it("the policy pack's stack policies see the installed version through the real engine: a downgrade is blocked", async () => {
    await newStack(e, "downgrade", { extensions: [{ name: "openpitrix", version: "2.0.2" }] });
    const up = await pulumi(e, ["up", "--yes", "--skip-preview", "--stack", "downgrade"]);
    expect(up.code, up.output).to.equal(0);
    setConfig("downgrade", { extensions: [{ name: "openpitrix", version: "2.0.1", allowDowngrade: true }] });
    const preview = await pulumi(e, ["preview", "--stack", "downgrade", "--policy-pack", path.join(REPO, "policy-pack")]);
    expect(preview.code, preview.output).to.not.equal(0);
    expect(preview.output).to.match(/kubesphere-extension-no-downgrade/);
    expect(preview.output).to.match(/2\.0\.2/);
    expect(kubectlJson(e, "installplans.kubesphere.io openpitrix").spec.extension.version).to.equal("2.0.2");
  });

  it("`pulumi destroy` removes the plans in reverse dependency order and waits until they are gone", async () => {
    const destroy = await pulumi(e, ["destroy", "--yes", "--skip-preview", "--stack", "quickstart"]);
    expect(destroy.code, destroy.output).to.equal(0);
    fs.writeFileSync(path.join(WORK_DIR, "destroy-output.txt"), destroy.output);
    // Completion order of the deletes in the engine's step log: the dependant goes first.
    const mon = destroy.output.indexOf("whizard-monitoring-installplan deleted");
    const tel = destroy.output.indexOf("whizard-telemetry-installplan deleted");
    expect(mon, destroy.output).to.be.greaterThan(-1);
    expect(tel, destroy.output).to.be.greaterThan(mon);
    expect(exists(e, "installplans.kubesphere.io whizard-monitoring")).to.equal(false);
    expect(exists(e, "installplans.kubesphere.io whizard-telemetry")).to.equal(false);
  });
});
