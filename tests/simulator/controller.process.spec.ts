/**
 * The controller simulator as a separate controller talking HTTP (the way `simulator/main.ts`
 * runs against the e2e harness's kube-apiserver): HttpKubeClient + auto mode, watch resumption
 * after a dropped stream, and the CLI entry with `--serve`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { expect } from "chai";
import * as YAML from "yaml";
import { parseFaultsFile } from "../../simulator/controllerFaults";
import { ControllerSimulator } from "../../simulator/controller";
import { HttpKubeClient } from "../../simulator/kubeClient";
import { kubeconfigFor, readCatalog } from "../../simulator/fixtures";
import { main, parseArgs } from "../../simulator/main";
import { installPlan } from "../support/simulatorHarness";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { collectWatch } from "../support/watchCollector";

const KS = { group: "kubesphere.io", version: "v1alpha1" } as const;
const IP = "/apis/kubesphere.io/v1alpha1/installplans";

describe("controller simulator over HTTP (auto mode)", () => {
  let env: FakeCluster;
  let sim: ControllerSimulator | undefined;
  afterEach(async () => {
    sim?.stop();
    sim = undefined;
    await env.close();
  });

  it("installs, fails and uninstalls through any API endpoint, resuming a dropped watch", async () => {
    env = await startFakeCluster({ extensions: ["devops", "gatekeeper"] });
    env.server.injectFault({ match: { verb: "watch", resource: "installplans" }, action: { kind: "dropWatch", afterEvents: 1 } });
    sim = await ControllerSimulator.start({
      client: new HttpKubeClient(env.kc, k8s),
      faults: [{ effect: "fail", extension: "gatekeeper", error: "timed out waiting for the condition" }],
    });
    const w = await collectWatch(env.kc, IP, { resourceVersion: env.server.store.resourceVersion });
    const jobs = await collectWatch(env.kc, "/apis/batch/v1/namespaces/extension-gatekeeper/jobs");
    await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: installPlan("devops", "1.1.1") });
    await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: installPlan("gatekeeper", "1.0.2") });
    await w.waitFor((e) => e.object.metadata.name === "devops" && e.object.status?.enabled === true);
    const failed = await w.waitFor((e) => e.object.metadata.name === "gatekeeper" && e.object.status?.state === "InstallFailed");
    expect(failed.object.status.conditions[0].message).to.equal('Release "gatekeeper" failed: timed out waiting for the condition');
    expect(env.server.countRequests({ verb: "watch", resource: "installplans" })).to.be.at.least(3); // test's + dropped + resumed
    await jobs.waitFor((e) => e.object.metadata.name === failed.object.status.jobName && e.object.status?.failed === 1);
    jobs.stop();

    await env.custom.deleteClusterCustomObject({ ...KS, plural: "installplans", name: "devops" });
    await w.waitFor((e) => e.type === "DELETED" && e.object.metadata.name === "devops");
    w.stop();
    expect(sim.errors).to.deep.equal([]);
  });

  it("re-lists after 410 Expired when its watch resumes from a compacted resourceVersion", async () => {
    env = await startFakeCluster({ extensions: ["devops"] });
    const drop = env.server.injectFault({ match: { verb: "watch", resource: "installplans" }, action: { kind: "dropWatch", afterMs: 20 } });
    sim = await ControllerSimulator.start({ client: new HttpKubeClient(env.kc, k8s) });
    // While the controller's installplans watch is down, history is compacted and a plan appears.
    await new Promise<void>((resolve) => { const t = setInterval(() => { if (drop.applied === 1 && env.server.openWatchCount < 4) { clearInterval(t); resolve(); } }, 5); });
    env.server.store.create("installplans", installPlan("devops", "1.1.1"));
    env.server.store.compact();
    const w = await collectWatch(env.kc, IP);
    await w.waitFor((e) => e.object.status?.state === "Installed", 10_000);
    w.stop();
    expect(env.server.countRequests({ verb: "list", resource: "installplans" })).to.be.at.least(2);
  });

  it("runs from the command line with --serve and a faults file", async () => {
    env = await startFakeCluster({ catalog: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ks-sim-"));
    const kubeconfig = path.join(dir, "kubeconfig");
    const faults = path.join(dir, "faults.yaml");
    fs.writeFileSync(faults, "faults:\n  - effect: clockSkew\n    extension: gatekeeper\n    skewSeconds: -60\nunschedulableClusters: [member1]\n");
    const lines: string[] = [];
    const stop = await main(["--serve", "--write-kubeconfig", kubeconfig, "--members", "member1", "--faults", faults, "--ks-version", "v4.1.2"], (l) => lines.push(l));
    try {
      expect(lines[0]).to.match(/^listening http:\/\/127\.0\.0\.1:\d+$/u);
      expect(lines[1]).to.match(/^controller simulator running \(seed 1, 1 fault\(s\)\); watching /u);
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(kubeconfig);
      const custom = kc.makeApiClient(k8s.CustomObjectsApi);
      const member = await custom.getClusterCustomObject({ group: "cluster.kubesphere.io", version: "v1alpha1", plural: "clusters", name: "member1" });
      expect(member.status.conditions).to.deep.include({ type: "Schedulable", status: "False" });
      const w = await collectWatch(kc, IP);
      await custom.createClusterCustomObject({ ...KS, plural: "installplans", body: installPlan("gatekeeper", "1.0.2") });
      const installing = await w.waitFor((e) => e.object.status?.state === "Installing" && !!e.object.status?.jobName);
      const ns = installing.object.status.targetNamespace;
      // Clock skew: the Job completes but the plan stays Installing.
      const jobs = await collectWatch(kc, `/apis/batch/v1/namespaces/${ns}/jobs`);
      await jobs.waitFor((e) => e.object.metadata.name === installing.object.status.jobName && e.object.status?.succeeded === 1);
      jobs.stop();
      const plan = await custom.getClusterCustomObject({ ...KS, plural: "installplans", name: "gatekeeper" });
      expect(plan.status.state).to.equal("Installing");
      w.stop();
    } finally {
      await stop();
    }
  });

  it("with --kubeconfig loads the shipped catalog (no reference material needed) and creates no executor pods by default", async () => {
    env = await startFakeCluster({ catalog: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ks-sim-"));
    const kubeconfig = path.join(dir, "kubeconfig");
    fs.writeFileSync(kubeconfig, kubeconfigFor(env.server));
    const stop = await main(["--kubeconfig", kubeconfig, "--load-catalog", "--time-scale", "0"], () => undefined);
    try {
      expect(env.server.store.list("extensionversions").items).to.have.length(37);
      expect(env.server.store.get("extensionversions", "whizard-monitoring-1.1.1")!.metadata.annotations).to.include({ "executor-hook-image.kubesphere.io/install": "kubesphere/whizard-monitoring-helm-init:v0.1.0" });
      const w = await collectWatch(env.kc, IP);
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: installPlan("gatekeeper", "1.0.2") });
      const installed = await w.waitFor((e) => e.object.status?.state === "Installed", 10_000);
      w.stop();
      const ns = installed.object.status.targetNamespace as string;
      expect(env.server.store.get("jobs", installed.object.status.jobName, ns)).to.not.equal(undefined);
      expect(env.server.store.list("pods", { namespace: ns }).items).to.deep.equal([]);
    } finally {
      await stop();
    }
  });

  it("--catalog <dir> serves that catalog instead of the shipped one", async () => {
    env = await startFakeCluster({ catalog: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ks-sim-cat-"));
    const shipped = readCatalog().filter((o) => o.metadata.name === "gatekeeper" || o.metadata.name === "gatekeeper-1.0.1");
    fs.writeFileSync(path.join(dir, "gatekeeper.yaml"), shipped.map((o) => YAML.stringify(o)).join("---\n"));
    const kubeconfig = path.join(dir, "kubeconfig");
    fs.writeFileSync(kubeconfig, kubeconfigFor(env.server));
    const stop = await main(["--kubeconfig", kubeconfig, "--catalog", dir, "--time-scale", "0"], () => undefined);
    try {
      expect(env.server.store.list("extensionversions").items.map((o) => o.metadata.name)).to.deep.equal(["gatekeeper-1.0.1"]);
    } finally {
      await stop();
    }
  });

  it("rejects bad command lines and faults files with messages naming the problem", () => {
    expect(() => parseArgs(["--serve", "--executor-pods", "kubelet"])).to.throw(/--executor-pods must be one of withLog, none, got "kubelet"/u);
    expect(() => parseArgs(["--kubeconfig", "k", "--load-catalog", "a", "--catalog", "b"])).to.throw(/--load-catalog a and --catalog b name different directories/u);
    expect(parseArgs(["--kubeconfig", "k", "--catalog", "d"])).to.include({ catalog: "d", loadCatalog: "d" });
    expect(() => readCatalog("/nonexistent/catalog")).to.throw(/catalog directory \/nonexistent\/catalog does not exist \(pass a directory of KubeSphere catalog \*\.yaml files/u);
    expect(() => parseArgs([])).to.throw(/one of --kubeconfig or --serve is required/u);
    expect(() => parseArgs(["--serve", "--bogus"])).to.throw(/unknown argument --bogus/u);
    expect(() => parseArgs(["--kubeconfig"])).to.throw(/--kubeconfig needs a value/u);
    expect(parseArgs(["--kubeconfig", "k", "--load-catalog", "--members", "a,b"])).to.include({ kubeconfig: "k", loadCatalog: true });
    expect(() => parseFaultsFile("faults:\n  - effect: explode\n")).to.throw(/faults\[0\]\.effect must be one of fail, clockSkew, deleteJob, slow, hang, chartFail, got "explode"/u);
    expect(() => parseFaultsFile("unschedulableClusters: member1\n")).to.throw(/unschedulableClusters must be a list of cluster names/u);
  });
});
