// Multicluster: gateway 1.0.5 is a Multicluster extension. Its host part always installs on the
// host; its agents go to the clusters in `clusterScheduling`, each with optional per-cluster values
// that are deep-merged over `config` by the controller.
//
//   pulumi config set --path 'clusters[0]' host
//   pulumi config set --path 'clusters[1]' member1
//
// The host is a Cluster like any member: list it to get an agent there too. Clusters that do not
// exist are errors at preview (KubeSphere would silently skip them); clusters that are not Ready or
// not schedulable are warnings, and get their agents when they become schedulable. Agents are
// installed once the host part is Installed, and the component waits for every targeted cluster.
// To remove every agent keep clusterScheduling and give an empty list: removing clusterScheduling
// altogether leaves the agents installed (BEHAVIOR §2.7).
import * as pulumi from "@pulumi/pulumi";
import { KubeSphereExtension } from "@kubesphere-ext/pulumi-kubesphere";

const config = new pulumi.Config();
const clusters = config.getObject<string[]>("clusters") ?? ["host", "member1"];

const gateway = new KubeSphereExtension("gateway", {
  name: "gateway",
  version: "1.0.5",
  config: { backend: { apiserver: { replicaCount: 1 } } },
  clusterScheduling: {
    clusters,
    // Per-cluster values for the agent on member1 (object form; `overridesYaml` takes YAML text).
    overrides: clusters.includes("member1") ? { member1: { backend: { apiserver: { replicaCount: 2 } } } } : {},
  },
});

export const targetClusters = gateway.targetClusters;
export const clusterStates = gateway.clusterStates;
// Placement before this run: a shrinking list is a blast-radius change the policy pack can gate.
export const previousClusters = gateway.previousClusters;
