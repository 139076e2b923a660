// End-to-end program for e2e/tests/trust.spec.ts: the scenarios set stack config and run the real Pulumi CLI.
//   kubeconfigFile: path of a kubeconfig; its text is passed to every component as a PLAIN string
//                   (the component itself must keep it secret).
//   members: [{ name, version, after?: [names], secretConfig?, secretConfigYaml?, secretOverride?,
//               adopt?, removeWithDependents?, allowDowngrade? }]
//            -> one KubeSphereExtension each; `after` states dependencies with `dependsOn`.
// The secret markers are constants of this program (not stack config), so no channel can see them
// except through the component.
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KubeSphereExtension, KubeSphereExtensionArgs } from "@kubesphere-ext/pulumi-kubesphere";

/** Markers the scenario greps for (kept in sync with e2e/tests/trust.spec.ts). */
const MARKERS = {
  config: "SECRET-VALUE-CONFIG-7f3a",
  configYaml: "SECRET-VALUE-YAML-7f3a",
  override: "SECRET-VALUE-OVERRIDE-7f3a",
  nestedConfig: "SECRET-NESTED-CONFIG-7f3a",
  nestedOverride: "SECRET-NESTED-OVERRIDE-7f3a",
  control: "CONTROL-SECRET-7f3a",
};

interface Member {
  name: string;
  version: string;
  after?: string[];
  secretConfig?: boolean;
  secretConfigYaml?: boolean;
  /** Cluster whose override carries a secret value; the whole `clusterScheduling` is secret (Multicluster versions). */
  secretOverride?: string;
  /** Plain `config` object with one secret leaf: `{ e2eMarker: { value: pulumi.secret(...) } }`. */
  nestedSecretConfig?: boolean;
  /** Plain `clusterScheduling` whose `overrides` field is secret (Multicluster versions). */
  nestedSecretOverride?: string;
  adopt?: boolean;
  removeWithDependents?: boolean;
  allowDowngrade?: boolean;
}

const cfg = new pulumi.Config();
const kubeconfigFile = cfg.get("kubeconfigFile");
const kubeconfig = kubeconfigFile ? fs.readFileSync(kubeconfigFile, "utf8") : undefined;
const members = cfg.getObject<Member[]>("members") ?? [];
const timeoutSeconds = cfg.getNumber("timeoutSeconds") ?? 120;

// Control: a secret on a plain Kubernetes resource, not this package's. Whatever channel shows this
// value shows every Pulumi secret of a Node.js program, not something the package does.
if (cfg.getBoolean("controlSecret")) {
  new k8s.core.v1.ConfigMap("control", { metadata: { name: "e2e-trust-control", namespace: "default" }, data: { v: pulumi.secret(MARKERS.control) } });
}

const byName = new Map<string, KubeSphereExtension>();
for (const m of members) {
  const args: KubeSphereExtensionArgs = {
    name: m.name,
    version: m.version,
    kubeconfig,
    timeoutSeconds,
    deleteTimeoutSeconds: timeoutSeconds,
    adopt: m.adopt,
    removeWithDependents: m.removeWithDependents,
    allowDowngrade: m.allowDowngrade,
  };
  if (m.secretConfig) args.config = pulumi.secret({ e2eMarker: { value: MARKERS.config } });
  if (m.secretConfigYaml) args.configYaml = pulumi.secret(`e2eMarkerYaml: ${MARKERS.configYaml}\n`);
  if (m.secretOverride) {
    args.clusterScheduling = pulumi.secret({
      clusters: [m.secretOverride],
      overrides: { [m.secretOverride]: { e2eMarkerOverride: MARKERS.override } },
    });
  }
  if (m.nestedSecretConfig) args.config = { e2eMarker: { value: pulumi.secret(MARKERS.nestedConfig) } };
  if (m.nestedSecretOverride) {
    args.clusterScheduling = {
      clusters: [m.nestedSecretOverride],
      overrides: pulumi.secret({ [m.nestedSecretOverride]: { e2eMarkerOverride: MARKERS.nestedOverride } }),
    };
  }
  const ext = new KubeSphereExtension(m.name, args, { dependsOn: (m.after ?? []).map((a) => byName.get(a)!).filter(Boolean) });
  byName.set(m.name, ext);
}

// Plain facts (must stay readable) and what derives from the Helm values (must be secret).
export const states = pulumi.all([...byName.values()].map((e) => pulumi.all({
  name: e.extensionName, version: e.version, state: e.state, installedVersion: e.installedVersion,
})));
export const planSpecs = pulumi.all([...byName.values()].map((e) => pulumi.all([e.installPlanSpec, e.configHash])
  .apply(([spec, configHash]) => ({ spec, configHash }))));
