// Offline / air-gapped previews: resolve against a saved catalog instead of a live cluster.
//
// `catalogPaths` takes directories or files of KubeSphere objects (`kubectl get extensionversions,
// extensions,categories,repositories -o yaml` saved from the host), here the repository's fixture of
// a KubeSphere v4.1.3 host. The host facts a live read would discover are stated: `ksVersion`,
// `kubeVersion`, what is already installed and which clusters exist. Resolution is the same code as
// online, so `pulumi preview` fails with the same problems, or shows the exact InstallPlans
// (`installPlanSpec`). The Kubernetes provider only renders manifests (to `rendered/`), so the preview
// needs no cluster at all. `pulumi up` is for a machine that reaches the cluster: the component then
// waits until each extension is really installed, which needs the cluster's API.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KubeSphereExtensionSet, membersOf } from "@kubesphere-ext/pulumi-kubesphere";

const config = new pulumi.Config();
const catalogPaths = config.getObject<string[]>("catalogPaths") ?? ["../../../shared/kubesphere/catalog"];

const render = new k8s.Provider("render", { renderYamlToDirectory: "rendered" });

const platform = new KubeSphereExtensionSet("platform", {
  extensions: [
    { name: "whizard-monitoring", version: "1.1.1", clusterScheduling: { clusters: ["host", "member1"] } },
    { name: "devops", version: "1.1.3", config: { agent: { apiserver: { replicas: 2 } } } },
  ],
  catalogPaths,
  ksVersion: config.get("ksVersion") ?? "v4.1.3",
  kubeVersion: config.get("kubeVersion") ?? "v1.30.4",
  installedExtensions: { "whizard-telemetry": "1.2.2" },
  clusterNames: ["host", "member1"],
}, { provider: render });

const { "whizard-monitoring": monitoring, devops } = membersOf(platform);

export const monitoringPlan = monitoring.installPlanSpec;
export const devopsNamespace = devops.targetNamespace;
