/**
 * The controller simulator's deletion flow (docs/kubesphere-behavior.md §5), driven through the real client's
 * DELETE where it matters (finalizers, DELETED event).
 */
import * as k8s from "@kubernetes/client-node";
import { expect } from "chai";
import { kubeconfigFor } from "../../simulator/fixtures";
import { collectWatch } from "../support/watchCollector";
import { installPlan, startSimEnv, type SimEnv } from "../support/simulatorHarness";

const NS = "kubesphere-devops-system";
const KS = { group: "kubesphere.io", version: "v1alpha1" } as const;

describe("controller simulator: uninstall (§5)", () => {
  let env: SimEnv;
  afterEach(() => env.close());

  async function installed(options: Parameters<typeof startSimEnv>[0] = {}, spec: Record<string, unknown> = {}): Promise<void> {
    env = await startSimEnv({ extensions: ["devops"], ...options });
    env.store.create("installplans", installPlan("devops", "1.1.1", spec));
    await env.sim.settle();
    expect(env.status("devops")!.state).to.equal("Installed");
  }

  it("runs helm-uninstall, removes the finalizer and the object, and clears the Extension status", async () => {
    await installed();
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfigFor(env.server));
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const w = await collectWatch(kc, "/apis/kubesphere.io/v1alpha1/installplans", { fieldSelector: "metadata.name=devops", resourceVersion: env.store.resourceVersion });
    await custom.deleteClusterCustomObject({ ...KS, plural: "installplans", name: "devops", propagationPolicy: "Background" });
    await env.sim.settle();
    await w.waitFor((e) => e.type === "DELETED");
    w.stop();
    const states = w.events.map((e) => e.object.status?.state);
    expect(states).to.include.members(["Uninstalling", "Uninstalled"]);
    expect(w.events.find((e) => e.object.status?.state === "Uninstalling")!.object.status.jobName).to.match(/^helm-uninstall-devops-[bcdfghjklmnpqrstvwxz2456789]{6}$/u);
    const last = w.events.at(-1)!.object;
    expect(last.status.state).to.equal("Uninstalled");
    expect(last.status.conditions.map((c: { type: string }) => c.type)).to.not.include("Uninstalled");
    expect(env.plan("devops")).to.equal(undefined);
    expect(env.sim.releases.get({ cluster: "host", namespace: NS, name: "devops" })).to.equal(undefined);
    const extStatus = env.store.get("extensions", "devops")!.status as Record<string, unknown>;
    for (const f of ["state", "enabled", "conditions", "plannedInstallVersion", "installedVersion", "clusterSchedulingStatuses"]) expect(extStatus).to.not.have.property(f);
    expect(extStatus).to.have.property("recommendedVersion");
    // Kept after uninstall: the namespace and the executor ServiceAccount.
    expect(env.store.get("namespaces", NS)).to.not.equal(undefined);
    expect(env.store.get("serviceaccounts", "helm-executor.devops", NS)).to.not.equal(undefined);
  });

  it("hangs in UninstallFailed without retrying, until the force-delete annotation lets it go", async () => {
    await installed({ faults: [{ effect: "fail", extension: "devops", action: "uninstall" }] });
    env.store.delete("installplans", "devops");
    await env.sim.settle();
    const s = env.status("devops")!;
    expect(s.state).to.equal("UninstallFailed");
    expect(s.conditions![0]).to.include({ type: "Uninstalled", status: "False", reason: "UninstallFailed", message: "Job has reached the specified backoff limit" });
    const pod = env.store.list("pods", { namespace: NS, labelSelector: `job-name=${s.jobName}` }).items[0];
    expect(pod.metadata.annotations!["logs.simulator.kubesphere.io/helm"]).to.include("Error: warning: Hook pre-delete devops/templates/pre-delete.yaml failed");
    env.patchPlan("devops", { metadata: { labels: { nudge: "1" } } });
    await env.sim.settle();
    expect(env.status("devops")!.jobName).to.equal(s.jobName);
    expect(env.plan("devops")!.metadata.deletionTimestamp).to.be.a("string");
    const events: Array<{ type: string; state?: string; history: string[] }> = [];
    const unsubscribe = env.store.subscribe((e) => {
      const st = e.object.status as { state?: string; stateHistory?: Array<{ state: string }> } | undefined;
      if (e.resource.plural === "installplans") events.push({ type: e.type, state: st?.state, history: (st?.stateHistory ?? []).map((h) => h.state) });
    });
    env.patchPlan("devops", { metadata: { annotations: { "kubesphere.io/force-delete": "" } } });
    await env.sim.settle();
    unsubscribe();
    expect(env.plan("devops")).to.equal(undefined);
    // As the real controller (docs/kubesphere-behavior.md §5 step 5, recorded run real4 G2): `Uninstalled` with a new
    // history entry, then the object goes; the Extension keeps only what its own controller owns.
    expect(events.map((e) => `${e.type}:${e.state}`)).to.deep.equal(["MODIFIED:UninstallFailed", "MODIFIED:Uninstalled", "DELETED:Uninstalled"]);
    expect(events.at(-1)!.history.slice(-2)).to.deep.equal(["UninstallFailed", "Uninstalled"]);
    expect(Object.keys(env.store.get("extensions", "devops")!.status as object).sort()).to.deep.equal(["recommendedVersion", "versions"]);
    expect(env.sim.releases.get({ cluster: "host", namespace: NS, name: "devops" })).to.equal(undefined);
  });

  it("hangs in Terminating for ever when the plan's ExtensionVersion is gone", async () => {
    await installed();
    env.store.delete("extensionversions", "devops-1.1.1");
    env.store.delete("installplans", "devops");
    await env.sim.settle();
    const plan = env.plan("devops")!;
    expect(plan.metadata.deletionTimestamp).to.be.a("string");
    expect(plan.metadata.finalizers).to.deep.equal(["kubesphere.io/installplan-protection"]);
    expect(env.status("devops")!.state).to.equal("Installed");
  });

  it("removes a plan that never reached Helm at once, with Uninstalled and no Job", async () => {
    env = await startSimEnv({ extensions: ["devops"] });
    env.store.create("installplans", installPlan("devops", "1.1.1"));
    await env.sim.settle({ until: () => (env.plan("devops")?.metadata.finalizers ?? []).length > 0 });
    const last: string[] = [];
    env.store.subscribe((e) => { if (e.resource.plural === "installplans") last.push(`${e.type} ${(e.object.status as { state?: string } | undefined)?.state ?? ""}`); });
    env.store.delete("installplans", "devops");
    await env.sim.settle();
    expect(env.plan("devops")).to.equal(undefined);
    expect(last.slice(-2)).to.deep.equal(["MODIFIED Uninstalled", "DELETED Uninstalled"]);
    expect(env.jobNames(NS)).to.deep.equal([]);
  });

  it("uninstalls every agent first and only then the host release", async () => {
    await installed({ members: ["member1", "member2"] }, { clusterScheduling: { placement: { clusters: ["member1", "member2"] } } });
    const uninstalls: string[] = [];
    env.store.subscribe((e) => {
      if (e.type === "ADDED" && e.resource.plural === "jobs" && e.object.metadata.name.startsWith("helm-uninstall-")) uninstalls.push(e.object.metadata.name.replace(/-[a-z0-9]{6}$/u, ""));
    });
    env.store.delete("installplans", "devops");
    await env.sim.settle();
    expect(env.plan("devops")).to.equal(undefined);
    expect(uninstalls).to.deep.equal(["helm-uninstall-devops-agent", "helm-uninstall-devops-agent", "helm-uninstall-devops"]);
    expect(env.sim.releases.keys()).to.deep.equal([]);
  });
});
