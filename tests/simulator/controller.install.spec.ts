/**
 * The controller simulator's install path (docs/kubesphere-behavior.md §2.3, §2.6, §2.8, §2.10, §6.3, §6.4),
 * observed the way a client sees it: through the HTTP API and `@kubernetes/client-node`.
 */
import * as k8s from "@kubernetes/client-node";
import { expect } from "chai";
import { fnv1a64Hex } from "../../components/config/configHash";
import { kubeconfigFor } from "../../simulator/fixtures";
import { collectWatch, type CollectedEvent } from "../support/watchCollector";
import { installPlan, startSimEnv, type SimEnv } from "../support/simulatorHarness";

const KS = { group: "kubesphere.io", version: "v1alpha1" } as const;
const SUFFIX = "[bcdfghjklmnpqrstvwxz2456789]{6}";
const NS = "kubesphere-devops-system";

function clientFor(env: SimEnv): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfigFor(env.server));
  return kc;
}

/** A compact, assertion-friendly view of one watch event of a plan. */
function view(e: CollectedEvent): Record<string, unknown> {
  const s = e.object.status ?? {};
  return {
    type: e.type,
    finalizers: e.object.metadata.finalizers ?? [],
    targetNamespace: s.targetNamespace,
    state: s.state,
    history: (s.stateHistory ?? []).map((h: { state: string }) => h.state),
    conditions: (s.conditions ?? []).map((c: { type: string; status: string; reason: string; message: string }) => `${c.type}=${c.status}/${c.reason}/${c.message}`),
    configHash: s.configHash, version: s.version, releaseName: s.releaseName, jobName: s.jobName, enabled: s.enabled,
  };
}

describe("controller simulator: install", () => {
  let env: SimEnv;
  afterEach(() => env?.close());

  it("shows the §2.6 sequence through an HTTP watch, with Job, Pod and log as §2.10 describes", async () => {
    env = await startSimEnv();
    const kc = clientFor(env);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const w = await collectWatch(kc, "/apis/kubesphere.io/v1alpha1/installplans", { fieldSelector: "metadata.name=devops" });
    await custom.createClusterCustomObject({ ...KS, plural: "installplans", body: installPlan("devops", "1.1.2", { config: "jenkins:\n  enabled: true   \n" }) });
    await env.sim.settle();
    await w.waitFor((e) => e.object.status?.enabled === true);
    w.stop();

    const hash = fnv1a64Hex("jenkins:\n  enabled: true\n");
    const F = ["kubesphere.io/installplan-protection"];
    const ns = "kubesphere-devops-system";
    const views = w.events.map(view);
    const jobName = views[5].jobName as string;
    expect(jobName).to.match(new RegExp(`^helm-install-devops-${SUFFIX}$`, "u"));
    const base = { configHash: undefined, version: undefined, releaseName: undefined, jobName: undefined, enabled: undefined };
    const init = "Initialized=True/Initialized/The extension devops has been successfully initialized.";
    expect(views).to.deep.equal([
      { ...base, type: "ADDED", finalizers: [], targetNamespace: undefined, state: undefined, history: [], conditions: [] },
      { ...base, type: "MODIFIED", finalizers: F, targetNamespace: undefined, state: undefined, history: [], conditions: [] },
      { ...base, type: "MODIFIED", finalizers: F, targetNamespace: ns, state: undefined, history: [], conditions: [] },
      { ...base, type: "MODIFIED", finalizers: F, targetNamespace: ns, state: "Preparing", history: ["Preparing"], conditions: [] },
      { ...base, type: "MODIFIED", finalizers: F, targetNamespace: ns, state: "Preparing", history: ["Preparing"], conditions: [init] },
      { ...base, type: "MODIFIED", finalizers: F, targetNamespace: ns, state: "Installing", history: ["Preparing", "Installing"], conditions: [init], configHash: hash, version: "1.1.2", releaseName: "devops", jobName },
      { ...base, type: "MODIFIED", finalizers: F, targetNamespace: ns, state: "Installed", history: ["Preparing", "Installing", "Installed"], conditions: ["Installed=True/InstallSuccessful/Install complete", init], configHash: hash, version: "1.1.2", releaseName: "devops", jobName },
      { ...base, type: "MODIFIED", finalizers: F, targetNamespace: ns, state: "Installed", history: ["Preparing", "Installing", "Installed"], conditions: ["Installed=True/InstallSuccessful/Install complete", init], configHash: hash, version: "1.1.2", releaseName: "devops", jobName, enabled: true },
    ]);

    const batch = kc.makeApiClient(k8s.BatchV1Api);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const job = await batch.readNamespacedJob({ name: jobName, namespace: ns });
    expect(job.metadata?.labels).to.deep.equal({ "kubesphere.io/managed": "true", "kubesphere.io/extension-ref": "devops", name: jobName });
    expect(job.metadata?.annotations).to.deep.equal({ "executor.kubesphere.io/action": "install", "executor.kubesphere.io/config-hash": hash });
    expect(job.metadata?.ownerReferences?.map((o) => `${o.kind}/${o.name}`)).to.deep.equal(["InstallPlan/devops"]);
    expect(job.spec?.backoffLimit).to.equal(0);
    // The controller's template has no labels; the API server adds the Job controller's (as kube-apiserver does).
    expect(Object.keys(job.spec?.template.metadata?.labels ?? {}).sort()).to.deep.equal(["batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name"]);
    expect(job.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True")).to.equal(true);
    expect((await core.readNamespace({ name: ns })).metadata?.labels).to.include({ "kubesphere.io/extension-ref": "devops", "kubesphere.io/managed": "true" });
    // kubectl logs -n $NS -l job-name=$JOB --tail=100
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: `job-name=${jobName}` });
    expect(pods.items).to.have.length(1);
    const log = await core.readNamespacedPodLog({ namespace: ns, name: pods.items[0].metadata!.name!, tailLines: 100 });
    expect(log).to.include("STATUS: deployed").and.include("helm upgrade --history-max 2 --install --insecure-skip-tls-verify");
    const ext = await custom.getClusterCustomObject({ ...KS, plural: "extensions", name: "devops" });
    expect(ext.status).to.include({ state: "Installed", enabled: true, plannedInstallVersion: "1.1.2", installedVersion: "1.1.2" });
  });

  it("leaves a plan whose ExtensionVersion is missing without status or finalizer, and EV creation does not wake it", async () => {
    env = await startSimEnv();
    env.store.create("installplans", installPlan("devops", "9.9.9"));
    await env.sim.settle();
    expect(env.plan("devops")!.metadata.finalizers).to.equal(undefined);
    expect(env.status("devops")).to.equal(undefined);
    expect(env.sim.log.some((l) => l.includes("extension version not found: devops-9.9.9"))).to.equal(true);
    const ev = env.store.mustGet("extensionversions", "devops-1.1.3");
    env.store.create("extensionversions", { ...ev, metadata: { name: "devops-9.9.9", labels: ev.metadata.labels }, spec: { ...(ev.spec as object), version: "9.9.9" } });
    await env.sim.settle();
    expect(env.status("devops")).to.equal(undefined);
    env.patchPlan("devops", { metadata: { annotations: { touch: "1" } } });
    await env.sim.settle();
    expect(env.status("devops")?.state).to.equal("Installed");
  });

  it("installs the chart with enabled:false, leaving status.enabled out, and flips only status.enabled later", async () => {
    env = await startSimEnv();
    env.store.create("installplans", installPlan("devops", "1.1.1", { enabled: false }));
    await env.sim.settle();
    expect(env.status("devops")?.state).to.equal("Installed");
    expect(env.status("devops")).to.not.have.property("enabled");
    const jobsBefore = env.jobNames("kubesphere-devops-system");
    env.patchPlan("devops", { spec: { enabled: true } });
    await env.sim.settle();
    expect(env.status("devops")?.enabled).to.equal(true);
    expect(env.jobNames("kubesphere-devops-system")).to.deep.equal(jobsBefore);
  });

  it("fails with Helm's description, never retries an identical plan, and retries on a version change", async () => {
    env = await startSimEnv({ faults: [{ effect: "fail", extension: "devops", version: "1.1.1", error: "timed out waiting for the condition" }] });
    env.store.create("installplans", installPlan("devops", "1.1.1"));
    await env.sim.settle();
    const failed = env.status("devops")!;
    expect(failed.state).to.equal("InstallFailed");
    expect(failed.conditions![0]).to.include({ type: "Installed", status: "False", reason: "InstallFailed", message: 'Release "devops" failed: timed out waiting for the condition' });
    expect(failed.configHash).to.equal(fnv1a64Hex(""));
    expect(failed.version).to.equal("1.1.1");
    const pods = env.store.list("pods", { namespace: "kubesphere-devops-system", labelSelector: `job-name=${failed.jobName}` }).items;
    expect(pods[0].metadata.annotations!["logs.simulator.kubesphere.io/helm"]).to.include("Error: INSTALLATION FAILED: timed out waiting for the condition");

    // Re-applying the identical spec (kubectl apply touches only metadata) does nothing.
    env.patchPlan("devops", { metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" } } });
    await env.sim.settle();
    expect(env.status("devops")!.jobName).to.equal(failed.jobName);
    expect(env.status("devops")!.state).to.equal("InstallFailed");
    expect(env.jobNames("kubesphere-devops-system")).to.deep.equal([failed.jobName]);

    env.patchPlan("devops", { spec: { extension: { version: "1.1.2" } } });
    await env.sim.settle();
    const retried = env.status("devops")!;
    expect(retried.state).to.equal("Installed");
    expect(retried.jobName).to.match(new RegExp(`^helm-install-devops-${SUFFIX}$`, "u"));
    expect(retried.jobName).to.not.equal(failed.jobName);
    // The failed first revision makes `helm upgrade --install` an upgrade to revision 2.
    expect(retried.conditions!.map((c) => `${c.type}=${c.status}`)).to.deep.equal(["Upgraded=True", "Initialized=True", "Installed=False"]);
    expect(env.jobNames("kubesphere-devops-system")).to.deep.equal([retried.jobName]);
  });

  it("reports the Job condition when Helm fails before writing a release", async () => {
    env = await startSimEnv({ faults: [{ effect: "fail", extension: "devops", beforeRelease: true, error: "chart requires kubeVersion: >=1.99.0-0 which is incompatible with Kubernetes v1.30.4" }] });
    env.store.create("installplans", installPlan("devops", "1.1.1"));
    await env.sim.settle();
    expect(env.status("devops")!.conditions![0]).to.include({ reason: "InstallFailed", message: "Job has reached the specified backoff limit" });
    expect(env.sim.releases.get({ cluster: "host", namespace: "kubesphere-devops-system", name: "devops" })).to.equal(undefined);
  });

  it("loops Preparing ↔ InstallFailed without a Job while the chart cannot be loaded, then installs (§6.4)", async () => {
    env = await startSimEnv({ extensions: ["devops"], faults: [{ effect: "chartFail", extension: "devops", times: 3 }] });
    const states: string[] = [];
    env.store.subscribe((e) => {
      const st = (e.object.status as { state?: string } | undefined)?.state;
      if (e.resource.plural === "installplans" && st && states[states.length - 1] !== st) states.push(st);
    });
    env.store.create("installplans", installPlan("devops", "1.1.1"));
    await env.sim.settle({ until: () => env.status("devops")?.state === "InstallFailed" });
    const failed = env.status("devops")!;
    expect(failed.conditions![0]).to.include({ type: "Installed", status: "False", reason: "InstallFailed" });
    expect(failed.conditions![0].message).to.match(/^Failed to install extension: failed to download chart: Get "https:\/\/extensions-museum/u);
    expect(failed).to.not.have.any.keys("configHash", "version", "jobName");
    expect(env.jobNames(NS)).to.deep.equal([]);
    await env.sim.settle();
    expect(states).to.deep.equal(["Preparing", "InstallFailed", "Preparing", "InstallFailed", "Preparing", "InstallFailed", "Preparing", "Installing", "Installed"]);
  });

  it("stays Installing when the helm pod's clock is behind, although the Job completed (§6.3)", async () => {
    env = await startSimEnv({ faults: [{ effect: "clockSkew", extension: "devops", skewSeconds: -30 }] });
    env.store.create("installplans", installPlan("devops", "1.1.1"));
    await env.sim.settle();
    const s = env.status("devops")!;
    expect(s.state).to.equal("Installing");
    const job = env.store.mustGet("jobs", s.jobName!, "kubesphere-devops-system");
    expect((job.status as { succeeded?: number }).succeeded).to.equal(1);
    expect(env.sim.releases.get({ cluster: "host", namespace: "kubesphere-devops-system", name: "devops" })?.status).to.equal("deployed");
  });

  it("keeps reporting Installed after the Job and its logs are deleted", async () => {
    env = await startSimEnv({ faults: [{ effect: "deleteJob", extension: "devops" }] });
    env.store.create("installplans", installPlan("devops", "1.1.1"));
    await env.sim.settle();
    expect(env.status("devops")!.state).to.equal("Installed");
    expect(env.jobNames("kubesphere-devops-system")).to.deep.equal([]);
    expect(env.store.list("pods", { namespace: "kubesphere-devops-system" }).items).to.deep.equal([]);
  });

  it("stays Installing with an active Job when the helm pod hangs", async () => {
    env = await startSimEnv({ faults: [{ effect: "hang", extension: "devops" }] });
    env.store.create("installplans", installPlan("devops", "1.1.1"));
    await env.sim.settle();
    const s = env.status("devops")!;
    expect(s.state).to.equal("Installing");
    expect((env.store.mustGet("jobs", s.jobName!, "kubesphere-devops-system").status as { active?: number }).active).to.equal(1);
  });

  it("is deterministic: equal seeds give byte-identical objects", async () => {
    const run = async (): Promise<string> => {
      const e = await startSimEnv({ seed: 42 });
      e.store.create("installplans", installPlan("devops", "1.1.1", { config: "a: 1\n" }));
      await e.sim.settle();
      e.patchPlan("devops", { spec: { extension: { version: "1.1.3" } } });
      await e.sim.settle();
      const snapshot = JSON.stringify([e.plan("devops"), e.store.list("jobs").items, e.store.list("pods").items]);
      await e.close();
      return snapshot;
    };
    const first = await run();
    expect(await run()).to.equal(first);
    env = await startSimEnv({ seed: 43 });
    env.store.create("installplans", installPlan("devops", "1.1.1", { config: "a: 1\n" }));
    await env.sim.settle();
    expect(first).to.not.include(env.status("devops")!.jobName!);
  });
});
