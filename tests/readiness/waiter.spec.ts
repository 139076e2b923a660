/**
 * The readiness waiter against the simulator's real HTTP API server, through the real
 * `@kubernetes/client-node` client. The controller is played by {@link ScriptedController}, so each
 * test decides exactly which status the waiter sees and when (stale statuses, faults mid-watch).
 * End-to-end runs with the controller simulator are in `controller.spec.ts`.
 *
 * Not proven here: that a real kube-apiserver behaves like the simulator (e.g. watch 410 wording).
 */
import { expect } from "chai";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { waitForInstallPlan, waitForInstallPlanDeletion, ReadinessProgress } from "../../components/readiness/waiter";
import { InstallPlanFailedError, InstallPlanStalledError, InstallPlanTimeoutError, InstallPlanWaitAbortedError } from "../../components/readiness/errors";
import { KubeApiError } from "../../components/readiness/kubeApi";
import { fnv1a64Hex } from "../../components/config/configHash";
import { condition, driveClock, expectedFor, FakeClock, planObject, realDelay, ScriptedController, track, until } from "./support";

const NS = "kubesphere-devops-system";
const CFG = "replicas: 1\n";
const CFG2 = "replicas: 2\n";
const FAST = { pollIntervalMs: 50, backoff: { initialMs: 5, maxMs: 40 } };

describe("waitForInstallPlan (scripted controller, real API server)", function () {
  this.timeout(10_000);
  let env: FakeCluster;
  let ctl: ScriptedController;
  let progress: ReadinessProgress[];
  let ac: AbortController; // stops a waiter a failed test left running, so it cannot leak into the next test
  const onProgress = (p: ReadinessProgress) => { progress.push(p); };
  const common = () => ({ ...FAST, signal: ac.signal });

  beforeEach(async () => {
    env = await startFakeCluster();
    ctl = new ScriptedController(env.server.store);
    ctl.namespace(NS);
    progress = [];
    ac = new AbortController();
  });
  afterEach(async () => { ac.abort(); await env.close(); });

  it("resolves once the install of exactly this spec is Installed, reporting each transition", async () => {
    ctl.apply(planObject("devops", "1.1.2", CFG));
    const wait = track(waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 10_000, onProgress, ...common() }));
    await until(() => progress.length > 0, "the waiter saw the new plan");
    ctl.setStatus("devops", { targetNamespace: NS, state: "Preparing" });
    ctl.job(NS, "helm-install-devops-aaaaaa", "active");
    ctl.patchStatus("devops", { state: "Installing", version: "1.1.2", configHash: fnv1a64Hex(CFG), jobName: "helm-install-devops-aaaaaa", releaseName: "devops" });
    await until(() => progress.some((p) => p.message.includes("→ Installing")), "Installing was reported");
    expect(wait.settled()).to.equal(false);
    ctl.job(NS, "helm-install-devops-aaaaaa", "complete");
    ctl.patchStatus("devops", { state: "Installed", conditions: [condition("Installed", "True", "InstallSuccessful", "Install complete")] });
    await until(() => progress.some((p) => p.message.includes("Installing → Installed")), "Installed was seen");
    await realDelay(50); // the Job's completion event arrives on its own stream, possibly after the plan's
    expect(wait.settled(), "Installed with status.enabled still unset is not ready").to.equal(false);
    ctl.patchStatus("devops", { enabled: true });
    const ready = await wait.promise;
    expect(ready).to.deep.include({ state: "Installed", installedVersion: "1.1.2", targetNamespace: NS, jobName: "helm-install-devops-aaaaaa", clusterStates: {} });
    expect(progress.filter((p) => p.kind === "transition").map((p) => p.message)).to.include("devops: Installing → Installed (host)");
  });

  it("does not take the stale Installed of a config-only update for success", async () => {
    ctl.apply(planObject("devops", "1.1.2", CFG));
    ctl.setStatus("devops", { targetNamespace: NS, state: "Installed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(CFG), jobName: "helm-install-devops-aaaaaa" });
    ctl.apply(planObject("devops", "1.1.2", CFG2)); // the update: state is still Installed from the old config
    const wait = track(waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG2), timeoutMs: 10_000, onProgress, ...common() }));
    await until(() => progress.length > 0, "the waiter saw the plan");
    await realDelay(150); // three poll ticks on the stale status
    expect(wait.settled(), "a waitFor on state=Installed would have passed here").to.equal(false);
    expect(progress.find((p) => p.assessment)?.assessment?.message, JSON.stringify(progress)).to.contain("status.configHash is");
    ctl.job(NS, "helm-upgrade-devops-bbbbbb", "active");
    ctl.patchStatus("devops", { state: "Upgrading", configHash: fnv1a64Hex(CFG2), jobName: "helm-upgrade-devops-bbbbbb" });
    await until(() => progress.some((p) => p.message.includes("Upgrading")), "Upgrading was reported");
    ctl.job(NS, "helm-upgrade-devops-bbbbbb", "complete");
    ctl.patchStatus("devops", { state: "Installed" });
    const ready = await wait.promise;
    expect(ready.jobName).to.equal("helm-upgrade-devops-bbbbbb");
  });

  it("fails at once on InstallFailed for this spec, with the condition, the Job and its pod's log tail", async () => {
    const log = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`).join("\n") + "\nError: INSTALLATION FAILED: context deadline exceeded\n";
    ctl.apply(planObject("devops", "1.1.2", CFG));
    ctl.job(NS, "helm-install-devops-cccccc", "failed", log);
    ctl.setStatus("devops", {
      targetNamespace: NS, state: "InstallFailed", version: "1.1.2", configHash: fnv1a64Hex(CFG), jobName: "helm-install-devops-cccccc",
      conditions: [condition("Installed", "False", "InstallFailed", "Job has reached the specified backoff limit")],
    });
    const err = await waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 10_000, retry: 2, ...common() })
      .then(() => { throw new Error("resolved"); }, (e) => e);
    expect(err).to.be.instanceOf(InstallPlanFailedError);
    expect(err).to.not.be.instanceOf(InstallPlanStalledError);
    const f = err as InstallPlanFailedError;
    expect(f).to.include({ state: "InstallFailed", conditionMessage: "Job has reached the specified backoff limit", jobName: "helm-install-devops-cccccc", jobNamespace: NS, cluster: undefined, phase: "install" });
    expect(f.logTail.split("\n").filter((l) => l !== "")).to.have.length(40);
    expect(f.logTail).to.contain("Error: INSTALLATION FAILED: context deadline exceeded").and.not.contain("line 20\n");
    expect(f.message).to.contain("InstallPlan devops failed: InstallFailed: Job has reached the specified backoff limit");
    expect(f.message).to.contain("| Error: INSTALLATION FAILED: context deadline exceeded");
    expect(f.message).to.contain("set `retry: 3` on the component");
    expect(env.server.countRequests({ verb: "log" })).to.equal(1);
  });

  it("names the member cluster whose agent failed and reads that agent Job's log", async () => {
    ctl.apply(planObject("devops", "1.1.2", CFG, true, ["member1", "member2"]));
    ctl.job(NS, "helm-install-devops-agent-m1m1m1", "failed", "Error: INSTALLATION FAILED: image pull back-off\n");
    ctl.setStatus("devops", {
      targetNamespace: NS, state: "Installed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(CFG), jobName: "helm-install-devops-h0h0h0",
      clusterSchedulingStatuses: {
        member1: { state: "InstallFailed", version: "1.1.2", configHash: fnv1a64Hex(CFG), jobName: "helm-install-devops-agent-m1m1m1", conditions: [condition("Installed", "False", "InstallFailed", "Job has reached the specified backoff limit")] },
        member2: { state: "Installed", version: "1.1.2", configHash: fnv1a64Hex(CFG) },
      },
    });
    const err = await waitForInstallPlan({
      kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG, true, { clusters: { member1: {}, member2: {} } }), timeoutMs: 10_000, ...common(),
    }).then(() => { throw new Error("resolved"); }, (e) => e as InstallPlanFailedError);
    expect(err).to.be.instanceOf(InstallPlanFailedError);
    expect(err.cluster).to.equal("member1");
    expect(err.jobName).to.equal("helm-install-devops-agent-m1m1m1");
    expect(err.message).to.contain("InstallPlan devops (agent on cluster member1) failed: cluster member1: InstallFailed");
    expect(err.logTail).to.contain("image pull back-off");
  });

  it("reports a failure before the Job as a warning and keeps waiting (the controller retries it)", async () => {
    ctl.apply(planObject("devops", "1.1.2", CFG));
    ctl.setStatus("devops", { targetNamespace: NS, state: "InstallFailed", conditions: [condition("Installed", "False", "InstallFailed", "Failed to install extension: repository extensions-museum not found")] });
    const wait = track(waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 10_000, onProgress, ...common() }));
    await until(() => progress.some((p) => p.kind === "warning" && p.message.includes("repository extensions-museum not found")), "the pre-Job failure was surfaced");
    expect(wait.settled()).to.equal(false);
    ctl.setStatus("devops", { targetNamespace: NS, state: "Installed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(CFG) });
    expect((await wait.promise).state).to.equal("Installed");
  });

  it("does not accept Installed while the executor Job is still running, and resolves on the Job's completion event (no plan event follows, no Job polling)", async () => {
    ctl.apply(planObject("devops", "1.1.2", CFG2));
    ctl.job(NS, "helm-upgrade-devops-dddddd", "active");
    ctl.setStatus("devops", { targetNamespace: NS, state: "Installed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(CFG2), jobName: "helm-upgrade-devops-dddddd" });
    // A slow poll, so only the Job watch can notice the Job completing.
    const wait = track(waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG2), timeoutMs: 10_000, onProgress, ...common(), pollIntervalMs: 60_000 }));
    await until(() => progress.some((p) => p.assessment?.message.includes("has not completed yet")), "the running Job was seen");
    await realDelay(300);
    expect(wait.settled()).to.equal(false);
    ctl.job(NS, "helm-upgrade-devops-dddddd", "complete");
    const completedAt = Date.now();
    await wait.promise;
    expect(Date.now() - completedAt).to.be.below(500);
    expect(env.server.countRequests({ verb: "get", resource: "jobs" }), "no Job polling").to.equal(0);
    expect(env.server.countRequests({ verb: "list", resource: "jobs" }), "one LIST of the namespace's Jobs").to.equal(1);
    expect(env.server.countRequests({ verb: "get", resource: "installplans" }), "no plan polling").to.equal(0);
  });

  it("reports the clock-skew stall (Job complete, plan still Installing) once the grace period passes, on a fake clock", async () => {
    const clock = new FakeClock();
    ctl.apply(planObject("devops", "1.1.2", CFG));
    ctl.job(NS, "helm-install-devops-eeeeee", "complete", "STATUS: deployed\n");
    ctl.setStatus("devops", { targetNamespace: NS, state: "Installing", version: "1.1.2", configHash: fnv1a64Hex(CFG), jobName: "helm-install-devops-eeeeee" });
    const p = waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 600_000, clock, pollIntervalMs: 5_000, stallGraceMs: 30_000 });
    const started = clock.now();
    const err = await driveClock(clock, p.then(() => { throw new Error("resolved"); }, (e) => e as InstallPlanStalledError));
    expect(err).to.be.instanceOf(InstallPlanStalledError);
    // Grace (30 s) counts from when the waiter first saw the Job finished: at the start, or at a later
    // poll tick (5 s each) when the fake clock ran ahead of the Job informer's first LIST on loopback.
    expect(clock.now() - started).to.be.within(30_000, 45_000);
    expect(err.message).to.contain("InstallPlan devops is stuck").and.contain("clock-skew stall of docs/kubesphere-behavior.md §6.3").and.contain("| STATUS: deployed");
  });

  it("times out with the last state and the missing-ExtensionVersion diagnosis, on a fake clock", async () => {
    const clock = new FakeClock();
    ctl.apply(planObject("devops", "9.9.9", CFG)); // no ExtensionVersion devops-9.9.9: the controller ignores the plan
    const p = waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "9.9.9", CFG), timeoutMs: 600_000, clock });
    const err = await driveClock(clock, p.then(() => { throw new Error("resolved"); }, (e) => e as InstallPlanTimeoutError));
    expect(err).to.be.instanceOf(InstallPlanTimeoutError);
    expect(err.waitedMs).to.equal(600_000);
    expect(err.message).to.contain("timed out after 600s waiting for InstallPlan devops to be ready; last state: Progressing");
    expect(err.message).to.contain("ExtensionVersion devops-9.9.9 does not exist. The controller silently ignores");
    expect(err.lastAssessment?.hostState).to.equal("");
  });

  it("times out on a silent controller with the commands to check it, on a fake clock", async () => {
    const clock = new FakeClock();
    ctl.apply(planObject("devops", "1.1.2", CFG));
    const p = waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 60_000, clock });
    const err = await driveClock(clock, p.then(() => { throw new Error("resolved"); }, (e) => e as Error));
    expect(err).to.be.instanceOf(InstallPlanTimeoutError);
    expect(err.message).to.contain("kubectl -n kubesphere-system get pods -l app=ks-controller-manager").and.not.contain("does not exist");
  });

  it("survives a burst of 5xx on list, watch and get, and never reports it as an extension failure", async () => {
    env.server.injectFault({ match: { resource: "installplans" }, times: 6, action: { kind: "status", code: 503 } });
    ctl.apply(planObject("devops", "1.1.2", CFG));
    ctl.setStatus("devops", { targetNamespace: NS, state: "Installed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(CFG) });
    const ready = await waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 10_000, onProgress, ...common() });
    expect(ready.state).to.equal("Installed");
    expect(env.server.requests.filter((r) => r.fault === "status")).to.have.length(6);
    expect(progress.some((p) => p.kind === "warning" && p.message.includes("503"))).to.equal(true);
  });

  it("times out a hung request and retries it", async () => {
    env.server.injectFault({ match: { verb: "list", resource: "installplans" }, times: 2, action: { kind: "delay", ms: 1_500 } });
    ctl.apply(planObject("devops", "1.1.2", CFG));
    ctl.setStatus("devops", { targetNamespace: NS, state: "Installed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(CFG) });
    const started = Date.now();
    const ready = await waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 10_000, onProgress, requestTimeoutMs: 150, ...common(), pollIntervalMs: 60_000 });
    expect(ready.state).to.equal("Installed");
    expect(Date.now() - started, "did not sit out the 1.5 s hang").to.be.below(1_400);
    expect(progress.filter((p) => p.kind === "warning" && /LIST \/apis\/kubesphere.io\/v1alpha1\/installplans on http:\S+: the API server did not answer in time: no answer within 150 ms/.test(p.message)), "the same failure is reported once").to.have.length(1);
    expect(env.server.countRequests({ verb: "list", resource: "installplans" }), "two hung LISTs timed out, the third answered").to.equal(3);
  });

  it("resumes a dropped watch from its last resourceVersion without re-listing", async () => {
    ctl.apply(planObject("devops", "1.1.2", CFG));
    // First stream ends cleanly after one event; the second is reset (TCP RST) after one event, which
    // may lose that event in flight - the waiter must then get it again by resuming from its last rv.
    env.server.injectFault({ match: { verb: "watch", resource: "installplans" }, times: 1, action: { kind: "dropWatch", afterEvents: 1, mode: "end" } });
    env.server.injectFault({ match: { verb: "watch", resource: "installplans" }, times: 1, action: { kind: "dropWatch", afterEvents: 1, mode: "reset" } });
    const wait = track(waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 10_000, onProgress, pollIntervalMs: 60_000, backoff: FAST.backoff, signal: ac.signal }));
    await until(() => env.server.countRequests({ verb: "watch", resource: "installplans" }) >= 1, "first watch");
    ctl.setStatus("devops", { targetNamespace: NS, state: "Preparing" }); // delivered, then the stream is reset
    await until(() => env.server.countRequests({ verb: "watch", resource: "installplans" }) >= 2, "second watch");
    ctl.patchStatus("devops", { state: "Installing", version: "1.1.2", configHash: fnv1a64Hex(CFG) }); // delivered, reset again
    await until(() => env.server.countRequests({ verb: "watch", resource: "installplans" }) >= 3, "third watch");
    ctl.patchStatus("devops", { state: "Installed", enabled: true });
    await wait.promise;
    const watches = env.server.requests.filter((r) => r.verb === "watch");
    expect(env.server.countRequests({ verb: "list", resource: "installplans" })).to.equal(1);
    expect(env.server.countRequests({ verb: "get", resource: "installplans" }), "no poll needed").to.equal(0);
    const rvs = watches.map((w) => Number(w.query.resourceVersion));
    expect(rvs[1], "resumed after the event it received").to.be.greaterThan(rvs[0]);
    expect(rvs[2]).to.be.at.least(rvs[1]);
  });

  it("re-lists after 410 Gone when its resourceVersion was compacted", async () => {
    ctl.apply(planObject("devops", "1.1.2", CFG));
    const wait = track(waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 10_000, onProgress, pollIntervalMs: 60_000, backoff: FAST.backoff, signal: ac.signal }));
    await until(() => env.server.openWatchCount === 1, "watch open");
    env.server.store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "unrelated" } }); // move the revision on
    env.server.store.compact();
    env.server.closeWatches(); // the waiter re-watches from its old resourceVersion and gets 410
    ctl.setStatus("devops", { targetNamespace: NS, state: "Installed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(CFG) });
    await wait.promise;
    expect(env.server.countRequests({ verb: "list", resource: "installplans" }), "re-listed once after the 410").to.equal(2);
  });

  it("fails with the API error, not a timeout, when access is forbidden", async () => {
    env.server.injectFault({ match: { resource: "installplans" }, times: Infinity, action: { kind: "status", code: 403, message: "installplans.kubesphere.io \"devops\" is forbidden: User \"ci\" cannot get resource" } });
    const err = await waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 10_000, ...common() })
      .then(() => { throw new Error("resolved"); }, (e) => e);
    expect(err).to.be.instanceOf(KubeApiError);
    expect((err as KubeApiError).code).to.equal(403);
    expect((err as Error).message).to.contain("cannot get resource");
  });

  it("stops when its signal aborts", async () => {
    ctl.apply(planObject("devops", "1.1.2", CFG));
    const own = new AbortController();
    const p = waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutMs: 10_000, ...FAST, signal: own.signal });
    await until(() => env.server.openWatchCount === 1, "watch open");
    own.abort();
    const err = await p.then(() => undefined, (e) => e);
    expect(err).to.be.instanceOf(InstallPlanWaitAbortedError);
    await until(() => env.server.openWatchCount === 0, "the watch was closed");
  });
});

describe("waitForInstallPlanDeletion (scripted controller, real API server)", function () {
  this.timeout(10_000);
  let env: FakeCluster;
  let ctl: ScriptedController;
  let ac: AbortController;
  const common = () => ({ ...FAST, signal: ac.signal });

  beforeEach(async () => {
    ac = new AbortController();
    env = await startFakeCluster();
    ctl = new ScriptedController(env.server.store);
    ctl.namespace(NS);
    ctl.apply(planObject("devops", "1.1.2", CFG));
    ctl.setStatus("devops", { targetNamespace: NS, state: "Installed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(CFG), releaseName: "devops" });
  });
  afterEach(async () => { ac.abort(); await env.close(); });

  it("deletes (force-delete annotation retried through a 409) and resolves once the finalizer is released", async () => {
    env.server.injectFault({ match: { verb: "patch", resource: "installplans" }, times: 2, action: { kind: "status", code: 409 } });
    const wait = track(waitForInstallPlanDeletion({ kubeConfig: env.kc, name: "devops", timeoutMs: 10_000, issueDelete: true, forceDelete: true, ...common() }));
    await until(() => ctl.plan("devops")?.metadata.deletionTimestamp !== undefined, "the DELETE arrived");
    expect(ctl.plan("devops")?.metadata.annotations?.["kubesphere.io/force-delete"]).to.equal("true");
    ctl.patchStatus("devops", { state: "Uninstalling", jobName: "helm-uninstall-devops-ffffff" });
    await realDelay(20);
    expect(wait.settled()).to.equal(false);
    ctl.finishDeletion("devops");
    expect(await wait.promise).to.deep.include({ existed: true });
    expect(env.server.requests.filter((r) => r.verb === "patch").map((r) => r.statusCode)).to.deep.equal([409, 409, 200]);
  });

  it("fails with the uninstall Job's log on UninstallFailed", async () => {
    env.server.store.delete("installplans", "devops");
    ctl.job(NS, "helm-uninstall-devops-gggggg", "failed", "Error: uninstallation completed with 1 error(s): timed out waiting for the condition\n");
    ctl.patchStatus("devops", { state: "UninstallFailed", jobName: "helm-uninstall-devops-gggggg", conditions: [condition("Uninstalled", "False", "UninstallFailed", "Job has reached the specified backoff limit")] });
    const err = await waitForInstallPlanDeletion({ kubeConfig: env.kc, name: "devops", timeoutMs: 10_000, ...common() })
      .then(() => { throw new Error("resolved"); }, (e) => e as InstallPlanFailedError);
    expect(err).to.be.instanceOf(InstallPlanFailedError);
    expect(err.phase).to.equal("delete");
    expect(err.message).to.contain("kubesphere.io/force-delete").and.contain("| Error: uninstallation completed with 1 error(s)").and.not.contain("retry:");
  });

  it("reports at once that deletion hangs when the plan's ExtensionVersion is gone (§5 step 2)", async () => {
    env.server.store.delete("extensionversions", "devops-1.1.2");
    const err = await waitForInstallPlanDeletion({ kubeConfig: env.kc, name: "devops", timeoutMs: 10_000, issueDelete: true, ...common() })
      .then(() => { throw new Error("resolved"); }, (e) => e as Error);
    expect(err).to.be.instanceOf(InstallPlanStalledError);
    expect(err.message).to.contain("ExtensionVersion devops-1.1.2 does not exist, so the InstallPlan controller ignores this plan");
  });

  it("resolves at once with existed=false when there is nothing to delete", async () => {
    ctl.finishDeletion("devops");
    env.server.store.delete("installplans", "devops");
    expect(await waitForInstallPlanDeletion({ kubeConfig: env.kc, name: "devops", timeoutMs: 10_000, issueDelete: true, ...common() })).to.deep.include({ existed: false });
  });
});
