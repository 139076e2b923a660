/**
 * The readiness waiter end to end: simulator API server on loopback + the InstallPlan controller
 * simulator (auto mode, in process) + the real `@kubernetes/client-node` client. Plans are applied
 * straight into the store (as the Kubernetes provider would apply them); everything the waiter
 * sees comes over HTTP. Timeouts and stall grace periods run on a fake waiter clock.
 *
 * Not proven here: that the real KubeSphere controller behaves like the simulator; that is what
 * the simulator's own tests and docs/kubesphere-behavior.md are for.
 */
import { expect } from "chai";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { ControllerSimulator } from "../../simulator/controller";
import type { ExecutorFault } from "../../simulator/controllerFaults";
import { waitForInstallPlan, waitForInstallPlanDeletion, ReadinessProgress, WaitForInstallPlanOptions } from "../../components/readiness/waiter";
import { InstallPlanFailedError, InstallPlanStalledError, InstallPlanTimeoutError } from "../../components/readiness/errors";
import { fnv1a64Hex } from "../../components/config/configHash";
import type { InstallPlan } from "../../components/kubesphere/types";
import { driveClock, expectedFor, FakeClock, planObject, realDelay, track, until } from "./support";

const NS = "kubesphere-devops-system";
const CFG = "replicas: 1\n";
const CFG2 = "replicas: 2\n";
const FAST = { pollIntervalMs: 100, backoff: { initialMs: 5, maxMs: 40 } };

interface World {
  env: FakeCluster;
  sim: ControllerSimulator;
  progress: ReadinessProgress[];
  /** Waits for readiness of `name` with `expected`, collecting progress. */
  wait(o: Partial<WaitForInstallPlanOptions> & Pick<WaitForInstallPlanOptions, "expected">): ReturnType<typeof waitForInstallPlan>;
  /** Creates or patches the plan's spec (merge patch, like a provider update). */
  apply(plan: InstallPlan): void;
  plan(name: string): InstallPlan | undefined;
  close(): Promise<void>;
}

async function world(options: { members?: string[]; faults?: ExecutorFault[]; mode?: "auto" | "manual" } = {}): Promise<World> {
  const env = await startFakeCluster({ members: options.members });
  const sim = await ControllerSimulator.start({ store: env.server.store, mode: options.mode ?? "auto", faults: options.faults });
  const progress: ReadinessProgress[] = [];
  const store = env.server.store;
  const ac = new AbortController(); // stops waiters a failed test left running
  return {
    env, sim, progress,
    wait: (o) => waitForInstallPlan({ kubeConfig: env.kc, name: o.expected.name, timeoutMs: 10_000, onProgress: (p) => progress.push(p), signal: ac.signal, ...FAST, ...o }),
    apply(plan) {
      if (store.get("installplans", plan.metadata.name)) store.patch("installplans", plan.metadata.name, undefined, "merge", { spec: plan.spec });
      else store.create("installplans", plan as never);
    },
    plan: (name) => store.get("installplans", name) as unknown as InstallPlan | undefined,
    async close() { ac.abort(); sim.stop(); await env.close(); },
  };
}

async function rejection<T>(p: Promise<unknown>): Promise<T> {
  return p.then(() => { throw new Error("expected the wait to fail, but it resolved"); }, (e) => e as T);
}

describe("readiness against the controller simulator", function () {
  this.timeout(15_000);
  let w: World;
  afterEach(async () => { await w?.close(); });

  describe("happy paths", () => {
    it("install: resolves with the installed version, namespace and install Job", async () => {
      w = await world();
      w.apply(planObject("devops", "1.1.2", CFG));
      const ready = await w.wait({ expected: expectedFor("devops", "1.1.2", CFG) });
      expect(ready).to.deep.include({ state: "Installed", installedVersion: "1.1.2", targetNamespace: NS });
      expect(ready.jobName).to.match(/^helm-install-devops-[a-z0-9]{6}$/);
      expect(ready.plan.status?.enabled).to.equal(true);
    });

    it("upgrade: waits through Upgrading (and the §6.5 version dip) to the new version", async () => {
      w = await world();
      w.apply(planObject("devops", "1.1.2", CFG));
      await w.wait({ expected: expectedFor("devops", "1.1.2", CFG) });
      w.apply(planObject("devops", "1.1.3", CFG));
      const ready = await w.wait({ expected: expectedFor("devops", "1.1.3", CFG) });
      expect(ready.installedVersion).to.equal("1.1.3");
      expect(ready.jobName).to.match(/^helm-upgrade-devops-/);
    });

    it("config-only update: the stale Installed seen first is not success; the upgrade Job's result is", async () => {
      w = await world({ mode: "manual" }); // the controller acts only on settle(), so the stale window is certain
      w.apply(planObject("devops", "1.1.2", CFG));
      await w.sim.settle();
      w.apply(planObject("devops", "1.1.2", CFG2));
      const waiting = track(w.wait({ expected: expectedFor("devops", "1.1.2", CFG2) }));
      await until(() => w.progress.length > 0, "the waiter saw the updated plan");
      const first = w.progress[0].assessment!;
      expect(first.hostState, "a jsonpath={.status.state}=Installed waitFor passes here").to.equal("Installed");
      expect(first.status).to.equal("Progressing");
      expect(first.message).to.contain("status.configHash is");
      await realDelay(FAST.pollIntervalMs * 2);
      expect(waiting.settled()).to.equal(false);
      await w.sim.settle();
      const ready = await waiting.promise;
      expect(ready.jobName).to.match(/^helm-upgrade-devops-/);
      expect(ready.plan.status?.configHash).to.equal(fnv1a64Hex(CFG2));
    });

    it("enabled flip: no Helm run, ready once status.enabled is copied", async () => {
      w = await world();
      w.apply(planObject("devops", "1.1.2", CFG, false));
      const first = await w.wait({ expected: expectedFor("devops", "1.1.2", CFG, false) });
      w.apply(planObject("devops", "1.1.2", CFG, true));
      const ready = await w.wait({ expected: expectedFor("devops", "1.1.2", CFG, true) });
      expect(ready.jobName, "same Job: nothing re-ran").to.equal(first.jobName);
      expect(ready.plan.status?.enabled).to.equal(true);
    });

    it("multicluster: waits for every agent, including one with an override (snapshot rule)", async () => {
      w = await world({ members: ["member1", "member2"] });
      const plan = planObject("devops", "1.1.2", CFG, true, ["member1", "member2"]);
      plan.spec.clusterScheduling!.overrides = { member2: "replicas: 3\n" };
      w.apply(plan);
      const ready = await w.wait({ expected: expectedFor("devops", "1.1.2", CFG, true, { clusters: { member1: {}, member2: { mustDifferFrom: "" } } }) });
      expect(ready.clusterStates).to.deep.equal({ member1: { state: "Installed", version: "1.1.2" }, member2: { state: "Installed", version: "1.1.2" } });
      expect(Object.values(ready.assessment.clusters).map((c) => c.status)).to.deep.equal(["Ready", "Ready"]);
      expect(w.plan("devops")?.status?.clusterSchedulingStatuses?.member2?.configHash, "override hash differs from the host's").to.not.equal(fnv1a64Hex(CFG));
    });

    it("uninstall: deletes and resolves once the controller released the finalizer", async () => {
      w = await world();
      w.apply(planObject("devops", "1.1.2", CFG));
      await w.wait({ expected: expectedFor("devops", "1.1.2", CFG) });
      const lines: string[] = [];
      const done = await waitForInstallPlanDeletion({ kubeConfig: w.env.kc, name: "devops", timeoutMs: 10_000, issueDelete: true, onProgress: (p) => lines.push(p.message), ...FAST });
      expect(done.existed).to.equal(true);
      expect(w.plan("devops")).to.equal(undefined);
      expect(w.env.server.store.list("jobs", { namespace: NS }).items.some((j) => j.metadata.name.startsWith("helm-uninstall-devops-"))).to.equal(false);
    });
  });

  describe("failures surface at once with their cause", () => {
    it("install failing inside Helm: Helm's description, the Job, the helm log tail, and the retry advice", async () => {
      w = await world({ faults: [{ effect: "fail", extension: "devops", error: "timed out waiting for the condition" }] });
      w.apply(planObject("devops", "1.1.2", CFG));
      const err = await rejection<InstallPlanFailedError>(w.wait({ expected: expectedFor("devops", "1.1.2", CFG) }));
      expect(err).to.be.instanceOf(InstallPlanFailedError);
      expect(err.state).to.equal("InstallFailed");
      expect(err.conditionMessage).to.contain("timed out waiting for the condition");
      expect(err.jobName).to.match(/^helm-install-devops-/);
      expect(err.jobNamespace).to.equal(NS);
      expect(err.logTail).to.contain("Error: INSTALLATION FAILED: timed out waiting for the condition");
      expect(err.message).to.contain("set `retry: 1` on the component");
    });

    it("install failing before Helm wrote a release: the Job's backoff message", async () => {
      w = await world({ faults: [{ effect: "fail", extension: "devops", beforeRelease: true, error: "chart requires kubeVersion: >=1.31.0 which is incompatible with Kubernetes v1.30.4" }] });
      w.apply(planObject("devops", "1.1.2", CFG));
      const err = await rejection<InstallPlanFailedError>(w.wait({ expected: expectedFor("devops", "1.1.2", CFG) }));
      expect(err.conditionMessage).to.equal("Job has reached the specified backoff limit");
      expect(err.logTail).to.contain("incompatible with Kubernetes v1.30.4");
    });

    it("upgrade failing: UpgradeFailed for the new version, not confused with the old Installed", async () => {
      w = await world({ faults: [{ effect: "fail", extension: "devops", version: "1.1.3", action: "upgrade" }] });
      w.apply(planObject("devops", "1.1.2", CFG));
      await w.wait({ expected: expectedFor("devops", "1.1.2", CFG) });
      w.apply(planObject("devops", "1.1.3", CFG));
      const err = await rejection<InstallPlanFailedError>(w.wait({ expected: expectedFor("devops", "1.1.3", CFG) }));
      expect(err.state).to.equal("UpgradeFailed");
      expect(err.jobName).to.match(/^helm-upgrade-devops-/);
      expect(err.logTail).to.contain("UPGRADE FAILED");
    });

    it("the retry advice works: an identical re-apply does nothing, a config comment line re-runs the install", async () => {
      w = await world({ faults: [{ effect: "fail", extension: "devops", times: 1 }] });
      w.apply(planObject("devops", "1.1.2", CFG));
      await rejection(w.wait({ expected: expectedFor("devops", "1.1.2", CFG) }));
      w.apply(planObject("devops", "1.1.2", CFG));
      await w.sim.idle();
      expect(w.plan("devops")?.status?.state, "identical re-apply").to.equal("InstallFailed");
      const retried = `${CFG}# retry: 1\n`;
      w.apply(planObject("devops", "1.1.2", retried));
      const ready = await w.wait({ expected: expectedFor("devops", "1.1.2", retried) });
      expect(ready.state).to.equal("Installed");
    });

    it("multicluster: names the failing member and reads its agent Job's log from the host", async () => {
      w = await world({ members: ["member1", "member2"], faults: [{ effect: "fail", extension: "devops", cluster: "member1", error: "Deployment devops-agent: ImagePullBackOff" }] });
      w.apply(planObject("devops", "1.1.2", CFG, true, ["member1", "member2"]));
      const err = await rejection<InstallPlanFailedError>(w.wait({ expected: expectedFor("devops", "1.1.2", CFG, true, { clusters: { member1: {}, member2: {} } }) }));
      expect(err.cluster).to.equal("member1");
      expect(err.jobName).to.match(/^helm-install-devops-agent-/);
      expect(err.message).to.contain("(agent on cluster member1) failed");
      expect(err.logTail).to.contain("ImagePullBackOff");
    });

    it("a failed Job whose pod was deleted still fails fast, saying the log is gone", async () => {
      w = await world({ faults: [{ effect: "fail", extension: "devops" }, { effect: "deleteJob", extension: "devops" }] });
      w.apply(planObject("devops", "1.1.2", CFG));
      const err = await rejection<InstallPlanFailedError>(w.wait({ expected: expectedFor("devops", "1.1.2", CFG) }));
      expect(err).to.be.instanceOf(InstallPlanFailedError);
      expect(err.message).to.contain("no executor pod found");
    });

    it("clock skew: Job complete, plan stuck Installing → Stalled with the §6.3 hint (fake clock)", async () => {
      w = await world({ faults: [{ effect: "clockSkew", extension: "devops", skewSeconds: -30 }] });
      w.apply(planObject("devops", "1.1.2", CFG));
      const clock = new FakeClock();
      await until(() => w.plan("devops")?.status?.state === "Installing", "install started");
      await w.sim.idle();
      const err = await driveClock(clock, rejection<InstallPlanStalledError>(w.wait({ expected: expectedFor("devops", "1.1.2", CFG), clock, timeoutMs: 600_000, pollIntervalMs: 5_000 })));
      expect(err).to.be.instanceOf(InstallPlanStalledError);
      expect(err.message).to.contain("clock-skew stall").and.contain("STATUS: deployed");
      expect(w.plan("devops")?.status?.state).to.equal("Installing");
    });

    it("a hung executor pod times out with the running Job's commands and log (fake clock)", async () => {
      w = await world({ faults: [{ effect: "hang", extension: "devops" }] });
      w.apply(planObject("devops", "1.1.2", CFG));
      const clock = new FakeClock();
      await until(() => w.plan("devops")?.status?.state === "Installing", "install started");
      const err = await driveClock(clock, rejection<InstallPlanTimeoutError>(w.wait({ expected: expectedFor("devops", "1.1.2", CFG), clock, timeoutMs: 120_000, pollIntervalMs: 5_000 })));
      expect(err).to.be.instanceOf(InstallPlanTimeoutError);
      expect(err.message).to.contain("last state: Progressing, host state \"Installing\"").and.contain("the Job has no deadline");
      expect(err.message).to.match(/kubectl logs -n kubesphere-devops-system -l job-name=helm-install-devops-/);
      // The running pod's log tail, whatever the simulator's transcript wording.
      expect(err.message, err.message).to.match(/last 40 lines of pod helm-install-devops-\S+, container helm:\n    \| .*helm upgrade/);
    });

    it("uninstall failing: InstallPlanFailedError for the delete with the uninstall log and force-delete advice", async () => {
      w = await world({ faults: [{ effect: "fail", extension: "devops", action: "uninstall" }] });
      w.apply(planObject("devops", "1.1.2", CFG));
      await w.wait({ expected: expectedFor("devops", "1.1.2", CFG) });
      const err = await rejection<InstallPlanFailedError>(waitForInstallPlanDeletion({ kubeConfig: w.env.kc, name: "devops", timeoutMs: 10_000, issueDelete: true, ...FAST }));
      expect(err.phase).to.equal("delete");
      expect(err.state).to.equal("UninstallFailed");
      expect(err.message).to.contain("kubesphere.io/force-delete");
      expect(err.logTail).to.contain("Error: warning: Hook pre-delete devops/templates/pre-delete.yaml failed");
    });

    it("agent clock skew on one member: Stalled naming that cluster (fake clock)", async () => {
      w = await world({ members: ["member1", "member2"], faults: [{ effect: "clockSkew", extension: "devops", cluster: "member1", skewSeconds: -60 }] });
      w.apply(planObject("devops", "1.1.2", CFG, true, ["member1", "member2"]));
      await until(() => w.plan("devops")?.status?.clusterSchedulingStatuses?.member2?.state === "Installed", "member2 installed");
      await w.sim.idle();
      const clock = new FakeClock();
      const err = await driveClock(clock, rejection<InstallPlanStalledError>(w.wait({
        expected: expectedFor("devops", "1.1.2", CFG, true, { clusters: { member1: {}, member2: {} } }), clock, timeoutMs: 600_000, pollIntervalMs: 5_000,
      })));
      expect(err).to.be.instanceOf(InstallPlanStalledError);
      expect(err.cluster).to.equal("member1");
      expect(err.jobName).to.match(/^helm-install-devops-agent-/);
      expect(err.message).to.contain("(agent on cluster member1) is stuck").and.contain("clock-skew stall");
    });

    it("agent uninstall failing on one member: the deletion fails naming it, with that uninstall Job's log", async () => {
      w = await world({ members: ["member1"], faults: [{ effect: "fail", extension: "devops", cluster: "member1", action: "uninstall", error: "cluster member1: connection refused" }] });
      w.apply(planObject("devops", "1.1.2", CFG, true, ["member1"]));
      await w.wait({ expected: expectedFor("devops", "1.1.2", CFG, true, { clusters: { member1: {} } }) });
      const err = await rejection<InstallPlanFailedError>(waitForInstallPlanDeletion({ kubeConfig: w.env.kc, name: "devops", timeoutMs: 10_000, issueDelete: true, ...FAST }));
      expect(err).to.be.instanceOf(InstallPlanFailedError);
      expect(err.cluster).to.equal("member1");
      expect(err.jobName).to.match(/^helm-uninstall-devops-agent-/);
      expect(err.message).to.contain("cluster member1: agent uninstall failed").and.contain("force-delete annotation only covers the host release");
      expect(err.logTail).to.contain("cluster member1: connection refused");
    });

    it("a hung uninstall times out with the last state and the escape hatches (fake clock)", async () => {
      w = await world({ faults: [{ effect: "hang", extension: "devops", action: "uninstall" }] });
      w.apply(planObject("devops", "1.1.2", CFG));
      await w.wait({ expected: expectedFor("devops", "1.1.2", CFG) });
      const clock = new FakeClock();
      const err = await driveClock(clock, rejection<InstallPlanTimeoutError>(waitForInstallPlanDeletion({
        kubeConfig: w.env.kc, name: "devops", timeoutMs: 60_000, issueDelete: true, clock, pollIntervalMs: 5_000,
      })));
      expect(err).to.be.instanceOf(InstallPlanTimeoutError);
      expect(err.message).to.contain("timed out after 60s waiting for InstallPlan devops to be deleted; last state: Progressing, host state \"Uninstalling\"");
      expect(err.message).to.contain("kubectl annotate installplan devops kubesphere.io/force-delete=true");
      expect(w.plan("devops")?.status?.state).to.equal("Uninstalling");
    });

    it("deletion with the ExtensionVersion gone: Stalled at once instead of hanging to the timeout", async () => {
      w = await world();
      w.apply(planObject("devops", "1.1.2", CFG));
      await w.wait({ expected: expectedFor("devops", "1.1.2", CFG) });
      w.env.server.store.delete("extensionversions", "devops-1.1.2");
      const err = await rejection<Error>(waitForInstallPlanDeletion({ kubeConfig: w.env.kc, name: "devops", timeoutMs: 10_000, issueDelete: true, ...FAST }));
      expect(err).to.be.instanceOf(InstallPlanStalledError);
      expect(w.plan("devops")?.metadata.deletionTimestamp).to.be.a("string");
    });
  });

  describe("API faults during a real run are survived, never reported as extension failures", () => {
    it("5xx bursts, a 409, and watches dropped mid-install", async () => {
      w = await world();
      const server = w.env.server;
      server.injectFault({ match: { resource: "installplans", verb: "list" }, times: 2, action: { kind: "status", code: 500 } });
      server.injectFault({ match: { resource: "installplans", verb: "watch" }, times: 3, action: { kind: "dropWatch", afterEvents: 2, mode: "reset" } });
      server.injectFault({ match: { resource: "installplans", verb: "get" }, times: 3, action: { kind: "status", code: 503, retryAfterSeconds: 1 } });
      server.injectFault({ match: { resource: "jobs" }, times: 1, action: { kind: "status", code: 409 } });
      w.apply(planObject("devops", "1.1.2", CFG));
      const ready = await w.wait({ expected: expectedFor("devops", "1.1.2", CFG) });
      expect(ready.state).to.equal("Installed");
      expect(server.requests.filter((r) => r.fault !== undefined).length).to.be.at.least(3);
      expect(w.progress.filter((p) => p.kind === "warning").length).to.be.at.least(1);
    });
  });
});
