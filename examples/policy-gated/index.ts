// Policy-gated preview: run it with the pack in ../../policy-pack.
//
//   pulumi preview --policy-pack ../../policy-pack --policy-pack-config policy-config.json
//
// `devops` is declared through the component, which emits a compliant InstallPlan. `gateway-by-hand`
// is a raw InstallPlan written the way the KubeSphere console's YAML editor invites you to: it asks
// for "^1.0" (KubeSphere looks up an ExtensionVersion literally named "gateway-^1.0", finds none and
// silently ignores the plan) and for upgradeStrategy "Automatic" (which KubeSphere never acts on).
// The pack reports both as mandatory violations, so the preview fails and nothing is written.
// Set `fixHandWrittenPlan: true` in the stack config to see the same preview pass.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KubeSphereExtension } from "@kubesphere-ext/pulumi-kubesphere";

const config = new pulumi.Config();
const fixed = config.getBoolean("fixHandWrittenPlan") ?? false;
// Optional offline catalog (YAML files of ExtensionVersions), e.g. ../../../shared/kubesphere/catalog;
// then the host's KubeSphere and Kubernetes versions must be stated. Default: read the cluster of the
// current kubeconfig context.
const catalogPaths = config.getObject<string[]>("catalogPaths");
const offline = catalogPaths
  ? { catalogPaths, ksVersion: config.require("ksVersion"), kubeVersion: config.require("kubeVersion") }
  : {};

// Compliant: exact version, named after the extension, enabled and upgradeStrategy explicit.
const devops = new KubeSphereExtension("devops", {
  name: "devops",
  version: config.get("devopsVersion") ?? "1.1.2",
  config: { agent: { apiserver: { replicas: 2 } } },
  ...offline,
});

// Deliberately non-compliant (unless fixHandWrittenPlan): a range and upgradeStrategy Automatic.
const gateway = new k8s.apiextensions.CustomResource("gateway-by-hand", {
  apiVersion: "kubesphere.io/v1alpha1",
  kind: "InstallPlan",
  metadata: { name: "gateway" },
  spec: {
    extension: { name: "gateway", version: fixed ? "1.0.5" : "^1.0" },
    enabled: true,
    upgradeStrategy: fixed ? "Manual" : "Automatic",
  },
});

export const devopsVersion = devops.version;
export const gatewayPlan = gateway.metadata.name;
