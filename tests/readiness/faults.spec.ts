/**
 * Fault matrix (issue 12): a true verdict for every fault, at the first event that shows it.
 * Time-to-verdict per fault is measured by `bench/faults.ts`, not asserted here beyond "well
 * before the wait's timeout".
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { InstallPlanChangedError, InstallPlanFailedError, InstallPlanStalledError, InstallPlanTimeoutError } from "../../components/readiness/errors";
import { runningInformers } from "../../components/kube/informer";
import { FAULT_SCENARIOS, FaultOutcome } from "./faultScenarios";
import { startFakeCluster, startSilentServer } from "../support/fakeApiServer";
import { waitForInstallPlan } from "../../components/readiness/waiter";
import { ControllerSimulator } from "../../simulator/controller";
import { expectedFor, planObject } from "./support";

function scenario(name: string) {
  const s = FAULT_SCENARIOS.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
}

function early(o: FaultOutcome): void {
  expect(o.msToVerdict, "verdict long before the 20 s timeout").to.be.below(5_000);
  expect(runningInformers(), "nothing left running").to.equal(0);
}

describe("fault matrix: a true verdict for every fault", function () {
  this.timeout(20_000);

  it("executor Job deleted mid-install: Stalled, saying the Job is gone (not 'still running' at the timeout)", async () => {
    const o = await scenario("executor Job deleted mid-install").run({ jobGoneGraceMs: 300 });
    expect(o.error).to.be.instanceOf(InstallPlanStalledError);
    expect(o.error!.message).to.contain("executor Job helm-install-devops-fault1 no longer exists while the plan is still Installing")
      .and.not.contain("still running");
    expect(o.msToVerdict).to.be.within(250, 3_000);
    early(o);
  });

  it("InstallPlan deleted out of band (no finalizer): fails at the DELETED event", async () => {
    const o = await scenario("InstallPlan deleted out of band (no finalizer)").run();
    expect(o.error).to.be.instanceOf(InstallPlanChangedError);
    expect((o.error as InstallPlanChangedError).change).to.equal("deleted");
    expect(o.error!.message).to.match(/^InstallPlan devops was deleted by someone else while waiting for it to be ready: uid \S+ is gone/);
    early(o);
  });

  it("InstallPlan deleted out of band (finalizer holds it): fails at the deletionTimestamp", async () => {
    const o = await scenario("InstallPlan deleted out of band (finalizer holds it)").run();
    expect(o.error).to.be.instanceOf(InstallPlanFailedError);
    expect(o.error!.message).to.contain("is being deleted").and.contain("something else deleted it");
    early(o);
  });

  it("InstallPlan re-created out of band: fails naming the uid change", async () => {
    const o = await scenario("InstallPlan re-created out of band (uid change, seen on a re-list)").run();
    expect(o.error).to.be.instanceOf(InstallPlanChangedError);
    expect((o.error as InstallPlanChangedError).change).to.equal("recreated");
    expect(o.error!.message).to.match(/deleted and re-created by someone else \(its uid changed\) while waiting for it to be ready: uid \S+ → \S+/);
    early(o);
  });

  for (const [name, field] of [
    ["spec.extension.version changed by another writer", "spec.extension.version is \"1.1.3\", expected 1.1.2"],
    ["spec.config changed by another writer", "the stored spec.config hashes to"],
    ["spec.enabled changed by another writer", "spec.enabled is false, expected true"],
  ] as const) {
    it(`${name}: fails at the first event, naming what changed`, async () => {
      const o = await scenario(name).run();
      expect(o.error).to.be.instanceOf(InstallPlanChangedError);
      expect((o.error as InstallPlanChangedError).change).to.equal("specChanged");
      expect(o.error!.message).to.contain("had its spec changed by another writer").and.contain(field);
      early(o);
    });
  }

  it("InstallFailed with no executor pod: the failure says no pod was found, not a client parse error", async () => {
    const o = await scenario("InstallFailed, executor pod gone").run();
    expect(o.error).to.be.instanceOf(InstallPlanFailedError);
    expect(o.error!.message).to.contain("InstallFailed: Release \"devops\" failed: timed out")
      .and.contain("(no executor pod found for Job helm-install-devops-fault1)").and.not.contain("Cannot parse content");
    early(o);
  });

  it("InstallFailed with an unreadable pod log: says the log is not available and why", async () => {
    const o = await scenario("InstallFailed, pod log not readable").run();
    expect(o.error).to.be.instanceOf(InstallPlanFailedError);
    expect(o.error!.message).to.contain("(the executor pod's log is not available: container \"helm\" in pod is waiting to start: ContainerCreating)")
      .and.not.contain("Cannot parse content");
    early(o);
  });

  it("both executor shapes of the controller simulator: a pod with a log gives the helm tail, no pod says so", async () => {
    for (const executorPods of ["withLog", "none"] as const) {
      const env = await startFakeCluster();
      const sim = await ControllerSimulator.start({ store: env.server.store, mode: "auto", executorPods, faults: [{ effect: "fail", extension: "devops" }] });
      try {
        env.server.store.create("installplans", planObject("devops", "1.1.2", "") as never);
        const err = await waitForInstallPlan({ kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", ""), timeoutMs: 10_000 })
          .then(() => undefined, (e: Error) => e);
        expect(err, executorPods).to.be.instanceOf(InstallPlanFailedError);
        if (executorPods === "withLog") expect(err!.message).to.match(/last 40 lines of pod helm-install-devops-\S+, container helm:\n    \| /);
        else expect(err!.message).to.match(/\(no executor pod found for Job helm-install-devops-\S+\)/);
        expect(err!.message).to.not.contain("Cannot parse content");
      } finally {
        sim.stop();
        await env.close();
      }
    }
  });

  it("member cluster unreachable: the timeout is about that cluster only", async () => {
    const o = await scenario("member cluster unreachable").run();
    expect(o.error).to.be.instanceOf(InstallPlanTimeoutError);
    const [first, ...hints] = o.error!.message.split("\n");
    expect(first, o.error!.message).to.match(/last state: Progressing, host state "Installed": cluster member1: /);
    expect(hints.join("\n")).to.contain("cluster member1:").and.not.contain("ks-controller-manager running");
    expect(hints.filter((h) => /cluster (?!member1)/.test(h)), "no other cluster named").to.deep.equal([]);
  });

  it("called from a library, the promise always settles: the process stays alive until the verdict", async function () {
    this.timeout(30_000);
    // A separate Node process whose only work is the wait, against a server that never answers.
    const silent = await startSilentServer();
    try {
      const script = `
        const { waitForInstallPlan } = require(${JSON.stringify(path.resolve(__dirname, "../../components/readiness/waiter"))});
        const { loadKubeConfig } = require(${JSON.stringify(path.resolve(__dirname, "../../components/kube/kubeconfig"))});
        waitForInstallPlan({ kubeConfig: loadKubeConfig({ kubeconfig: process.env.KC }), name: "devops",
          expected: { name: "devops", version: "1.1.2", configHash: "0000000000000000", enabled: true },
          timeoutMs: 1500, requestTimeoutMs: 200, pollIntervalMs: 400 })
          .then(() => console.log("VERDICT resolved"), (e) => console.log("VERDICT " + e.name));`;
      const r = await new Promise<{ stdout: string; status: number | null }>((resolve) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script],
          { cwd: path.resolve(__dirname, "../.."), env: { ...process.env, KC: silent.kubeconfig } });
        let stdout = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.on("exit", (status) => resolve({ stdout, status }));
      });
      expect(r.stdout.trim()).to.equal("VERDICT InstallPlanTimeoutError");
      expect(r.status).to.equal(0);
    } finally {
      await silent.close();
    }
  });
});
