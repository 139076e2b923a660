/** `awaitReady`/`awaitDeleted` as the package's provider calls them: progress lines come from the wait itself. */
import { expect } from "chai";
import { awaitDeleted, awaitReady } from "../../components/readiness/providerRuntime";
import { runningInformers } from "../../components/kube/informer";
import { ControllerSimulator } from "../../simulator/controller";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { expectedFor, planObject } from "./support";

describe("providerRuntime", function () {
  this.timeout(15_000);
  let env: FakeCluster;
  let sim: ControllerSimulator;
  beforeEach(async () => {
    env = await startFakeCluster();
    sim = await ControllerSimulator.start({ store: env.server.store, mode: "auto" });
  });
  afterEach(async () => { sim.stop(); await env.close(); });

  it("awaitReady forwards each transition line of the same wait to onProgress, and awaitDeleted its deletion lines", async () => {
    env.server.store.create("installplans", planObject("devops", "1.1.2", "") as never);
    const lines: string[] = [];
    const outs = await awaitReady({ planName: "devops", expected: expectedFor("devops", "1.1.2", ""), kubeconfig: env.kubeconfig, timeoutSeconds: 10 },
      { onProgress: (m) => lines.push(m) });
    expect(outs).to.deep.include({ state: "Installed", installedVersion: "1.1.2", clusterServer: env.server.url });
    expect(lines).to.include("devops: Installing → Installed (host)");
    expect(env.server.countRequests({ verb: "watch", resource: "installplans" }), "one wait, one watch").to.equal(1);
    const gone: string[] = [];
    const why = await awaitDeleted({ planName: "devops", expected: expectedFor("devops", "1.1.2", ""), kubeconfig: env.kubeconfig, timeoutSeconds: 10,
      deleteTimeoutSeconds: 10, clusterServer: outs.clusterServer }, { onProgress: (m) => gone.push(m) });
    expect(why).to.equal(undefined);
    expect(gone.some((l) => /^devops: .*Uninstalling/.test(l)), JSON.stringify(gone)).to.equal(true);
    expect(runningInformers()).to.equal(0);
  });
});
