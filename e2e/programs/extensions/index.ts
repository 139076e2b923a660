// End-to-end program: the scenarios in e2e/tests set stack config and run the real Pulumi CLI.
//   extensions: [{ name, version, config?, retry?, clusters?, allowDowngrade? }]  -> one KubeSphereExtensionSet (resolved once, ordered)
//   rawPlans:   [{ name, version, upgradeStrategy? }]            -> hand-written InstallPlans (policy tests)
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KubeSphereExtensionSet, membersOf } from "@kubesphere-ext/pulumi-kubesphere";

interface Entry { name: string; version: string; config?: Record<string, unknown>; retry?: number; clusters?: string[]; allowDowngrade?: boolean }
interface RawPlan { name: string; version: string; upgradeStrategy?: string }

const cfg = new pulumi.Config();
const entries = cfg.getObject<Entry[]>("extensions") ?? [];
const rawPlans = cfg.getObject<RawPlan[]>("rawPlans") ?? [];
const timeoutSeconds = cfg.getNumber("timeoutSeconds") ?? 120;

const set = entries.length === 0 ? undefined : new KubeSphereExtensionSet("platform", {
  extensions: entries.map((e) => ({
    name: e.name,
    version: e.version,
    config: e.config,
    retry: e.retry,
    allowDowngrade: e.allowDowngrade,
    clusterScheduling: e.clusters ? { clusters: e.clusters } : undefined,
  })),
  timeoutSeconds,
  deleteTimeoutSeconds: timeoutSeconds,
});
const exts = set ? Object.values(membersOf(set)) : [];

for (const p of rawPlans) {
  new k8s.apiextensions.CustomResource(`raw-${p.name}`, {
    apiVersion: "kubesphere.io/v1alpha1",
    kind: "InstallPlan",
    metadata: { name: p.name },
    spec: { extension: { name: p.name, version: p.version }, enabled: true, upgradeStrategy: p.upgradeStrategy ?? "Manual" },
  });
}

export const extensions = pulumi.all(exts.map((e) => pulumi.all({
  name: e.extensionName, state: e.state, installedVersion: e.installedVersion, jobName: e.jobName,
  targetNamespace: e.targetNamespace,
})));
