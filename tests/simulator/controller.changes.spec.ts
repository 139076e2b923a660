/**
 * The controller simulator against docs/kubesphere-behavior.md §2.7 "Changes to an installed plan", row by row,
 * plus upgrade failure and retry.
 */
import { expect } from "chai";
import { fnv1a64Hex } from "../../components/config/configHash";
import { installPlan, startSimEnv, type SimEnv } from "../support/simulatorHarness";

const NS = "kubesphere-devops-system";

describe("controller simulator: changes to an installed plan (§2.7)", () => {
  let env: SimEnv;
  let installJob: string;

  beforeEach(async () => {
    env = await startSimEnv({ members: ["member1"], extensions: ["devops"] });
    env.store.create("installplans", installPlan("devops", "1.1.1", { config: "a: 1\n" }));
    await env.sim.settle();
    expect(env.status("devops")!.state).to.equal("Installed");
    installJob = env.status("devops")!.jobName!;
  });
  afterEach(() => env.close());

  it("version changed and its ExtensionVersion exists: Preparing → Upgrading (helm-upgrade-…) → Installed with Upgraded", async () => {
    const states: string[] = [];
    env.store.subscribe((e) => {
      if (e.resource.plural === "installplans") {
        const s = (e.object.status as { state?: string } | undefined)?.state ?? "";
        if (states[states.length - 1] !== s) states.push(s);
      }
    });
    env.patchPlan("devops", { spec: { extension: { version: "1.1.2" } } });
    await env.sim.settle();
    const s = env.status("devops")!;
    expect(states).to.deep.equal(["Installed", "Preparing", "Upgrading", "Installed"]);
    expect(s.jobName).to.match(/^helm-upgrade-devops-[bcdfghjklmnpqrstvwxz2456789]{6}$/u);
    expect(s.version).to.equal("1.1.2");
    expect(s.conditions!.map((c) => `${c.type}=${c.status}/${c.reason}/${c.message}`)).to.deep.equal([
      "Upgraded=True/UpgradeSuccessful/Upgrade complete", "Installed=True/InstallSuccessful/Install complete",
      "Initialized=True/Initialized/The extension devops has been successfully initialized.",
    ]);
    const job = env.store.mustGet("jobs", s.jobName!, NS);
    expect(job.metadata.annotations).to.deep.equal({ "executor.kubesphere.io/action": "upgrade", "executor.kubesphere.io/config-hash": fnv1a64Hex("a: 1\n") });
    // Older executor Jobs of the extension are deleted once the new one exists (§2.5 step 7).
    expect(env.jobNames(NS)).to.deep.equal([s.jobName]);
  });

  it("version changed to a missing ExtensionVersion: nothing at all, the status stays Installed on the old version", async () => {
    const before = env.status("devops");
    env.patchPlan("devops", { spec: { extension: { version: "7.7.7" } } });
    await env.sim.settle();
    expect(env.status("devops")).to.deep.equal(before);
  });

  it("config changed: the same upgrade path, same version, new hash", async () => {
    env.patchPlan("devops", { spec: { config: "a: 2\n" } });
    await env.sim.settle();
    const s = env.status("devops")!;
    expect(s.state).to.equal("Installed");
    expect(s.version).to.equal("1.1.1");
    expect(s.configHash).to.equal(fnv1a64Hex("a: 2\n"));
    expect(s.jobName).to.match(/^helm-upgrade-devops-/u);
  });

  it("config changed only in trailing whitespace: the webhook trims it and nothing happens", async () => {
    const before = env.status("devops");
    env.patchPlan("devops", { spec: { config: "a: 1   \r\n" } });
    await env.sim.settle();
    expect(env.plan("devops")!.spec).to.have.property("config", "a: 1\n");
    expect(env.status("devops")).to.deep.equal(before);
  });

  it("enabled flipped: no Helm action, only status.enabled", async () => {
    env.patchPlan("devops", { spec: { enabled: false } });
    await env.sim.settle();
    expect(env.status("devops")).to.not.have.property("enabled");
    expect(env.status("devops")!.jobName).to.equal(installJob);
    expect(env.store.get("extensions", "devops")!.status).to.not.have.property("enabled");
  });

  it("upgradeStrategy changed: nothing (no code reads it)", async () => {
    const before = env.status("devops");
    env.patchPlan("devops", { spec: { upgradeStrategy: "Automatic" } });
    await env.sim.settle();
    expect(env.status("devops")).to.deep.equal(before);
  });

  it("clusterScheduling changed: host untouched, agents installed; removed (null): agents stay", async () => {
    env.patchPlan("devops", { spec: { clusterScheduling: { placement: { clusters: ["member1"] } } } });
    await env.sim.settle();
    const s = env.status("devops")!;
    expect(s.jobName).to.equal(installJob);
    expect(s.clusterSchedulingStatuses!.member1.state).to.equal("Installed");
    env.patchPlan("devops", { spec: { clusterScheduling: null } });
    await env.sim.settle();
    expect(env.status("devops")!.clusterSchedulingStatuses!.member1.state).to.equal("Installed");
    expect(env.sim.releases.get({ cluster: "member1", namespace: NS, name: "devops-agent" })?.status).to.equal("deployed");
  });

  it("extension.name changed: the plan upgrades a release that does not exist, and is not woken by its Job (§6.1)", async () => {
    env.store.create("extensionversions", { apiVersion: "kubesphere.io/v1alpha1", kind: "ExtensionVersion", metadata: { name: "other-1.0.0", labels: { "kubesphere.io/extension-ref": "other" } }, spec: { version: "1.0.0" } });
    env.patchPlan("devops", { spec: { extension: { name: "other", version: "1.0.0" } } });
    await env.sim.settle();
    const s = env.status("devops")!;
    expect(s.targetNamespace).to.equal("extension-other");
    // The recorded state is still Installed with version 1.1.1, so the decision is an upgrade
    // (plain `helm upgrade`), which fails: there is no release "other" yet.
    expect(s.jobName).to.match(/^helm-upgrade-other-/u);
    const job = env.store.mustGet("jobs", s.jobName!, "extension-other");
    expect((job.status as { failed?: number }).failed).to.equal(1);
    const pod = env.store.list("pods", { namespace: "extension-other", labelSelector: `job-name=${s.jobName}` }).items[0];
    expect(pod.metadata.annotations!["logs.simulator.kubesphere.io/helm"]).to.include('Error: UPGRADE FAILED: "other" has no deployed releases');
    // Job events map to the plan named after the extension ("other"), so this plan is not woken.
    expect(s.state).to.equal("Upgrading");
    env.patchPlan("devops", { metadata: { annotations: { nudge: "1" } } });
    await env.sim.settle();
    expect(env.status("devops")!.state).to.equal("UpgradeFailed");
    expect(env.status("devops")!.conditions![0].message).to.equal("Job has reached the specified backoff limit");
    // The old release is orphaned.
    expect(env.sim.releases.get({ cluster: "host", namespace: NS, name: "devops" })?.status).to.equal("deployed");
  });

  it("changes made while Upgrading are held back, then applied as an upgrade", async () => {
    const snapshots: string[] = [];
    env.store.subscribe((e) => {
      if (e.resource.plural !== "installplans") return;
      const st = (e.object.status ?? {}) as { state?: string; configHash?: string; version?: string };
      const line = `${st.state} ${st.version} ${st.configHash === fnv1a64Hex("a: 3\n") ? "new" : "old"}`;
      if (snapshots[snapshots.length - 1] !== line) snapshots.push(line);
    });
    env.patchPlan("devops", { spec: { extension: { version: "1.1.2" } } });
    await env.sim.settle({ until: () => env.status("devops")?.state === "Upgrading" });
    const firstUpgrade = env.status("devops")!.jobName;
    env.patchPlan("devops", { spec: { config: "a: 3\n" } });
    await env.sim.settle();
    const s = env.status("devops")!;
    expect(s.state).to.equal("Installed");
    expect(s.configHash).to.equal(fnv1a64Hex("a: 3\n"));
    expect(s.version).to.equal("1.1.2");
    expect(s.jobName).to.not.equal(firstUpgrade);
    // The first upgrade finished with the old config before the new one started.
    expect(snapshots).to.include.members(["Installed 1.1.2 old", "Upgrading 1.1.2 new"]);
    expect(snapshots.indexOf("Installed 1.1.2 old")).to.be.lessThan(snapshots.indexOf("Upgrading 1.1.2 new"));
  });

  it("moves status.version back to the old version while Upgrading before Helm's pending revision (§6.5)", async () => {
    env.patchPlan("devops", { spec: { extension: { version: "1.1.2" } } });
    await env.sim.settle({ until: () => env.status("devops")?.state === "Upgrading" });
    expect(env.status("devops")!.version).to.equal("1.1.2");
    env.patchPlan("devops", { metadata: { annotations: { nudge: "1" } } }); // any event re-reconciles
    await env.sim.step();
    expect(env.status("devops")!.state).to.equal("Upgrading");
    expect(env.status("devops")!.version).to.equal("1.1.1");
    expect(env.store.get("extensions", "devops")!.status).to.include({ installedVersion: "1.1.1", plannedInstallVersion: "1.1.2" });
    await env.sim.settle();
    expect(env.status("devops")!.version).to.equal("1.1.2");
  });

  it("a failed config upgrade is not retried until the spec changes again", async () => {
    env.sim.faults.add({ effect: "fail", extension: "devops", action: "upgrade", error: "resource mapping not found" });
    env.patchPlan("devops", { spec: { config: "a: 2\n" } });
    await env.sim.settle();
    let s = env.status("devops")!;
    expect(s.state).to.equal("UpgradeFailed");
    expect(s.conditions![0]).to.include({ type: "Upgraded", status: "False", reason: "UpgradeFailed", message: 'Upgrade "devops" failed: resource mapping not found' });
    expect(s.configHash).to.equal(fnv1a64Hex("a: 2\n"));
    const failedJob = s.jobName;
    env.patchPlan("devops", { metadata: { labels: { touched: "yes" } } });
    await env.sim.settle();
    expect(env.status("devops")!.jobName).to.equal(failedJob);
    env.sim.faults.clear();
    env.patchPlan("devops", { spec: { config: "a: 9\n" } });
    await env.sim.settle();
    s = env.status("devops")!;
    expect(s.state).to.equal("Installed");
    expect(s.conditions![0]).to.include({ type: "Upgraded", status: "True" });
  });

  it("a failed version upgrade is retried exactly once, because §6.5 moved status.version back meanwhile", async () => {
    const upgradeJobs: string[] = [];
    env.store.subscribe((e) => {
      if (e.type === "ADDED" && e.resource.plural === "jobs" && e.object.metadata.name.startsWith("helm-upgrade-")) upgradeJobs.push(e.object.metadata.name);
    });
    env.sim.faults.add({ effect: "fail", extension: "devops", action: "upgrade", version: "1.1.2", error: "resource mapping not found" });
    env.patchPlan("devops", { spec: { extension: { version: "1.1.2" } } });
    await env.sim.settle();
    const s = env.status("devops")!;
    expect(upgradeJobs).to.have.length(2);
    expect(s.state).to.equal("UpgradeFailed");
    expect(s.version).to.equal("1.1.2");
    expect(s.stateHistory!.map((h) => h.state).slice(-6)).to.deep.equal(["Preparing", "Upgrading", "UpgradeFailed", "Preparing", "Upgrading", "UpgradeFailed"]);
  });

  it("reverts a label added while a reconcile is writing status (§6.9)", async () => {
    let added = false;
    env.store.subscribe((e) => {
      const st = (e.object.status as { state?: string } | undefined)?.state;
      if (!added && e.resource.plural === "installplans" && st === "Preparing") {
        added = true; // another client labels the plan in the middle of the upgrade reconcile
        env.patchPlan("devops", { metadata: { labels: { team: "platform" } } });
      }
    });
    env.patchPlan("devops", { spec: { config: "a: 5\n" } });
    await env.sim.settle();
    expect(added).to.equal(true);
    expect(env.status("devops")!.state).to.equal("Installed");
    expect(env.plan("devops")!.metadata.labels ?? {}).to.not.have.property("team");
  });
});
