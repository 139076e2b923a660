/**
 * One LIST + WATCH of InstallPlans (and of the Jobs of a namespace) per process and API server,
 * shared by every readiness wait, reference-counted, and closed when the last wait ends.
 */
import { expect } from "chai";
import { fnv1a64Hex } from "../../components/config/configHash";
import { KubeClient } from "../../components/kube/client";
import { runningInformers, subscribeInformer } from "../../components/kube/informer";
import { waitForInstallPlan } from "../../components/readiness/waiter";
import { expectedFor, planObject, ScriptedController, until } from "../readiness/support";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";

const NS = "extension-shared";
const EXTS = ["a", "b", "c", "d", "e"];

describe("shared informers", function () {
  this.timeout(15_000);
  let env: FakeCluster;
  beforeEach(async () => { env = await startFakeCluster(); });
  afterEach(async () => { await env.close(); });

  it("five concurrent waits make one LIST and one WATCH of InstallPlans and of the namespace's Jobs, all closed afterwards", async () => {
    const ctl = new ScriptedController(env.server.store);
    ctl.namespace(NS);
    for (const n of EXTS) ctl.apply(planObject(n, "1.0.0", ""));
    const waits = EXTS.map((n) => waitForInstallPlan({ kubeConfig: env.kc, name: n, expected: expectedFor(n, "1.0.0", ""), timeoutMs: 10_000, pollIntervalMs: 60_000 }));
    await until(() => env.server.openWatchCount >= 1, "the plan watch is open");
    for (const n of EXTS) {
      ctl.job(NS, `helm-install-${n}`, "active");
      ctl.setStatus(n, { targetNamespace: NS, state: "Installing", version: "1.0.0", configHash: fnv1a64Hex(""), jobName: `helm-install-${n}` });
    }
    await until(() => env.server.openWatchCount >= 2, "the Job watch is open");
    for (const n of EXTS) {
      ctl.job(NS, `helm-install-${n}`, "complete");
      ctl.patchStatus(n, { state: "Installed", enabled: true });
    }
    const ready = await Promise.all(waits);
    expect(ready.map((r) => r.state)).to.deep.equal(EXTS.map(() => "Installed"));
    expect(env.server.countRequests({ verb: "list", resource: "installplans" })).to.equal(1);
    expect(env.server.countRequests({ verb: "watch", resource: "installplans" })).to.equal(1);
    expect(env.server.countRequests({ verb: "list", resource: "jobs" })).to.equal(1);
    expect(env.server.countRequests({ verb: "watch", resource: "jobs" })).to.equal(1);
    expect(env.server.countRequests({ verb: "get" }), "no polling").to.equal(0);
    expect(runningInformers(), "nothing survives the run").to.equal(0);
    await until(() => env.server.openWatchCount === 0, "the server saw the watches close");
  });

  it("a second run in the same process starts fresh (no cached answers between runs)", async () => {
    const ctl = new ScriptedController(env.server.store);
    ctl.apply(planObject("a", "1.0.0", ""));
    ctl.setStatus("a", { targetNamespace: NS, state: "Installed", enabled: true, version: "1.0.0", configHash: fnv1a64Hex("") });
    await waitForInstallPlan({ kubeConfig: env.kc, name: "a", expected: expectedFor("a", "1.0.0", ""), timeoutMs: 5_000, verifyJobs: false });
    expect(runningInformers()).to.equal(0);
    ctl.apply(planObject("a", "1.0.0", "x: 1\n")); // changed between the runs
    const second = waitForInstallPlan({ kubeConfig: env.kc, name: "a", expected: expectedFor("a", "1.0.0", "x: 1\n"), timeoutMs: 5_000, verifyJobs: false, pollIntervalMs: 60_000 });
    await until(() => env.server.countRequests({ verb: "list", resource: "installplans" }) === 2, "the second run listed again");
    ctl.patchStatus("a", { configHash: fnv1a64Hex("x: 1\n") });
    expect((await second).state).to.equal("Installed");
  });

  it("the same server and identity share one stream; another server gets its own", async () => {
    const a = new KubeClient(env.kc);
    const b = new KubeClient(env.kc, { requestTimeoutMs: 1_000 }); // same identity: bounds are not part of it
    const s1 = subscribeInformer(a, "/apis/kubesphere.io/v1alpha1/installplans", () => undefined);
    const s2 = subscribeInformer(b, "/apis/kubesphere.io/v1alpha1/installplans", () => undefined);
    expect(runningInformers()).to.equal(1);
    const other = await startFakeCluster();
    try {
      const s3 = subscribeInformer(new KubeClient(other.kc), "/apis/kubesphere.io/v1alpha1/installplans", () => undefined);
      expect(runningInformers()).to.equal(2);
      s3.release();
    } finally {
      await other.close();
    }
    s1.release();
    expect(runningInformers(), "still one subscriber").to.equal(1);
    s2.release();
    s2.release(); // idempotent
    expect(runningInformers()).to.equal(0);
  });
});
