/**
 * The helm executor Job and ConfigMap the simulator writes equal those the real controller wrote
 * in the recorded run `real` (tests/fixtures/observed/real/jobs.norm.json, configmaps.norm.json),
 * normalised as the recording was: random suffixes `XXXXXX`, times `T`, uids dropped, ConfigMap
 * data reduced to key names. Also: the pod shapes the simulator offers (a pod with a readable log,
 * or no pod at all) through the HTTP API.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { expect } from "chai";
import { ControllerSimulator } from "../../simulator/controller";
import { kubeconfigFor } from "../../simulator/fixtures";
import { ObjectStore, type KubeObject } from "../../simulator/store";
import { installPlan, startSimEnv, type SimEnv } from "../support/simulatorHarness";
import { OBSERVED_DIR } from "./observed/trace";
import { RECORDED_RUNS, replay } from "./observed/replay";

const SUFFIX = /-[bcdfghjklmnpqrstvwxz2456789]{6}\b/gu;

/** Normalises like the recorder: suffixes, times and uids. */
function normaliseValue(v: unknown, key = ""): unknown {
  if (typeof v === "string") {
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/u.test(v)) return "T";
    if (key.endsWith("controller-uid")) return "UID";
    return v.replace(SUFFIX, "-XXXXXX");
  }
  if (Array.isArray(v)) return v.map((x) => normaliseValue(x));
  // Keys sorted, so that the comparison is of content, not of the order fields were written in.
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, normaliseValue(x, k)]));
  return v;
}

function normaliseObject(o: KubeObject): Record<string, unknown> {
  const m = o.metadata;
  const out: Record<string, unknown> = {
    ...o,
    metadata: {
      ...(m.annotations ? { annotations: m.annotations } : {}), labels: m.labels, name: m.name, namespace: m.namespace,
      ownerReferences: (m.ownerReferences ?? []).map((r) => ({ apiVersion: r.apiVersion, kind: r.kind, name: r.name })),
    },
  };
  if (o.kind === "ConfigMap") {
    out.binaryData = Object.keys((o.binaryData as Record<string, string> | undefined) ?? {}).sort();
    out.data = Object.fromEntries(Object.keys((o.data as Record<string, string> | undefined) ?? {}).map((k) => [k, "…"]));
  }
  return normaliseValue(out) as Record<string, unknown>;
}

function recorded(file: string): Record<string, unknown>[] {
  const list = JSON.parse(fs.readFileSync(path.join(OBSERVED_DIR, "real", file), "utf8")) as { items: KubeObject[] };
  return list.items.map((o) => normaliseValue(o) as Record<string, unknown>).map((o) => {
    const spec = (o as { spec?: { selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: { labels?: Record<string, string> } } } }).spec;
    // The recorder kept the Job's uid in the selector and template labels; the uid is not compared.
    for (const labels of [spec?.selector?.matchLabels, spec?.template?.metadata?.labels]) {
      if (!labels) continue;
      for (const k of Object.keys(labels)) if (k.endsWith("controller-uid")) labels[k] = "UID";
    }
    return o;
  });
}

const byName = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  String((a.metadata as { name: string }).name).localeCompare(String((b.metadata as { name: string }).name));

describe("controller simulator: executor Job and ConfigMap as the real controller writes them", () => {
  let env: SimEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it("run `real` (S1-S7) leaves the same Jobs and ConfigMaps, field for field", async () => {
    const result = await replay(RECORDED_RUNS.find((r) => r.run === "real")!);
    env = result.env;
    const jobs = env.store.list("jobs").items.map(normaliseObject).sort(byName);
    const configMaps = env.store.list("configmaps").items.filter((c) => c.metadata.labels?.["kubesphere.io/managed"] === "true").map(normaliseObject).sort(byName);
    expect(JSON.stringify(jobs, null, 1)).to.equal(JSON.stringify(recorded("jobs.norm.json").sort(byName), null, 1));
    expect(JSON.stringify(configMaps, null, 1)).to.equal(JSON.stringify(recorded("configmaps.norm.json").sort(byName), null, 1));
  });

  it("puts the chart archive into the ConfigMap only when the ExtensionVersion has no chartURL", async () => {
    env = await startSimEnv({ extensions: ["gatekeeper"] });
    const ev = env.store.mustGet("extensionversions", "gatekeeper-1.0.1");
    const spec: Record<string, unknown> = { ...(ev.spec as Record<string, unknown>), chartDataRef: { namespace: "kubesphere-system", name: "gatekeeper-1.0.1-chart", key: "chart.tgz" } };
    delete spec.chartURL;
    env.store.update("extensionversions", { ...ev, spec });
    env.store.create("installplans", installPlan("gatekeeper", "1.0.1"));
    await env.sim.settle();
    const jobName = env.status("gatekeeper")!.jobName!;
    const cm = env.store.mustGet("configmaps", jobName, "extension-gatekeeper");
    expect(Object.keys(cm.binaryData as object).sort()).to.deep.equal(["ca-helm.crt", "chart.tgz", "helm-post-render.sh", "kube.config", "kustomization.yaml", "values.yaml"]);
    expect(cm.data).to.equal(undefined);
    const command = (env.store.mustGet("jobs", jobName, "extension-gatekeeper").spec as { template: { spec: { containers: Array<{ command: string[] }> } } }).template.spec.containers[0].command[2];
    expect(command).to.include(" gatekeeper chart.tgz --namespace extension-gatekeeper ");
  });

  it("agent Jobs: the member's kubeconfig, agent tags and cluster info, no forced-false host conditions", async () => {
    env = await startSimEnv({ extensions: ["whizard-monitoring", "whizard-telemetry"], members: ["member1"] });
    env.store.create("installplans", installPlan("whizard-monitoring", "1.1.1", { clusterScheduling: { placement: { clusters: ["member1"] } } }));
    await env.sim.settle();
    const s = env.status("whizard-monitoring")!;
    const agentJob = s.clusterSchedulingStatuses!.member1.jobName!;
    const ns = "kubesphere-monitoring-system";
    const tpl = (env.store.mustGet("jobs", agentJob, ns).spec as { template: { spec: { initContainers: Array<{ env: Array<{ name: string; value?: string }> }>; containers: Array<{ command: string[] }> } } }).template.spec;
    expect(tpl.containers[0].command[2]).to.include("--set tags.agent=true,tags.extension=false,global.clusterInfo.name=member1,global.clusterInfo.role=member ")
      .and.not.include("kubePrometheusStack.enabled=false");
    expect(tpl.initContainers[0].env).to.deep.include.members([{ name: "CLUSTER_ROLE", value: "member" }, { name: "CLUSTER_NAME", value: "member1" }]);
    const kubeconfig = Buffer.from((env.store.mustGet("configmaps", agentJob, ns).binaryData as Record<string, string>)["kube.config"], "base64").toString();
    expect(kubeconfig).to.equal("# simulated kubeconfig of cluster member1\n");
  });

  describe("executor pods: both shapes a reader of the helm log must handle", () => {
    async function failedInstall(executorPods?: "withLog" | "none"): Promise<{ core: k8s.CoreV1Api; ns: string; jobName: string }> {
      env = await startSimEnv({ extensions: ["gatekeeper"], faults: [{ effect: "fail", extension: "gatekeeper" }], ...(executorPods ? { executorPods } : {}) });
      env.store.create("installplans", installPlan("gatekeeper", "1.0.1"));
      await env.sim.settle();
      expect(env.status("gatekeeper")!.state).to.equal("InstallFailed");
      const kc = new k8s.KubeConfig();
      kc.loadFromString(kubeconfigFor(env.server));
      return { core: kc.makeApiClient(k8s.CoreV1Api), ns: "extension-gatekeeper", jobName: env.status("gatekeeper")!.jobName! };
    }

    it("withLog (default): one pod per Job whose log (the helm transcript) can be read", async () => {
      const { core, ns, jobName } = await failedInstall();
      const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: `job-name=${jobName}` });
      expect(pods.items.map((p) => p.status?.phase)).to.deep.equal(["Failed"]);
      const log = await core.readNamespacedPodLog({ namespace: ns, name: pods.items[0].metadata!.name!, container: "helm", tailLines: 2 });
      expect(log).to.equal("Error: INSTALLATION FAILED: context deadline exceeded\nhelm.go:84: [debug] context deadline exceeded\n");
    });

    it("none: no pod at all, the Job still fails with the backoff-limit condition, the plan reads the same", async () => {
      const { core, ns, jobName } = await failedInstall("none");
      expect((await core.listNamespacedPod({ namespace: ns })).items).to.deep.equal([]);
      const job = env!.store.mustGet("jobs", jobName, ns);
      expect((job.status as { conditions: Array<{ type: string; message: string }> }).conditions.map((c) => `${c.type}: ${c.message}`))
        .to.include("Failed: Job has reached the specified backoff limit");
      expect(env!.status("gatekeeper")!.conditions![0].message).to.equal('Release "gatekeeper" failed: context deadline exceeded');
    });

    it("the same Job names in both shapes (seeded suffixes do not depend on the shape)", async () => {
      const a = (await failedInstall("withLog")).jobName;
      await env!.close();
      const b = (await failedInstall("none")).jobName;
      expect(a).to.equal(b);
    });

    it("rejects agentConditions that are not lists of value paths, naming the entry", async () => {
      let message = "";
      try {
        await ControllerSimulator.start({ store: new ObjectStore(), agentConditions: { "whizard-monitoring-1.1.1": "kubePrometheusStack.enabled" as never } });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).to.equal('ControllerSimulator: agentConditions["whizard-monitoring-1.1.1"] must be a list of non-empty strings (Helm value paths such as "kubePrometheusStack.enabled"), got "kubePrometheusStack.enabled"');
    });

    it("rejects an unknown shape, naming the option and the valid values", async () => {
      let message = "";
      try {
        await ControllerSimulator.start({ store: new ObjectStore(), executorPods: "kubelet" as never });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).to.equal('ControllerSimulator: executorPods must be one of "withLog", "none", got "kubelet"');
    });
  });
});
