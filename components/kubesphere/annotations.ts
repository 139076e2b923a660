/**
 * Facts the component makes visible to policies (policy-pack/) and to people reading the stack.
 *
 * LEAD'S DECISION (policy-pack author: read this): only STABLE facts are InstallPlan annotations —
 * facts that change only when the requested version changes (which is an update anyway). VOLATILE
 * facts (what is installed in the cluster right now, which clusters the live plan targets) change
 * after every successful `pulumi up`; as annotations they would give a permanent diff, and a second
 * `pulumi up` with no change must report no changes. Volatile facts are therefore registered
 * OUTPUTS of the `kubesphere:index:KubeSphereExtension` component, which is the InstallPlan's
 * `parent` in stack validation (stack policies see a component's registered outputs as its props).
 * "No downgrade", "blast radius" and "dependency in stack or installed" are stack policies.
 */

/** Annotation on the InstallPlan: `HostOnly` | `Multicluster` of the resolved ExtensionVersion. */
export const ANNOTATION_INSTALLATION_MODE = "kubesphere-ext.io/installation-mode";
/**
 * Annotation on the InstallPlan: JSON array of `{ name, version }` — the `required: true`
 * externalDependencies of the resolved ExtensionVersion (`version` is a Masterminds range).
 */
export const ANNOTATION_REQUIRED_DEPENDENCIES = "kubesphere-ext.io/required-dependencies";

/**
 * Annotation on the InstallPlan: `<project>/<stack>` of the Pulumi stack that manages it (stable).
 * Lets a later run tell "this extension is being removed by this very stack" from "installed by
 * someone else", to refuse deleting an extension that another declared extension still requires.
 */
export const ANNOTATION_MANAGED_BY_STACK = "kubesphere-ext.io/managed-by-stack";

/** Type token of the component (one copy of the tokens: components/tokens.ts). */
export { EXTENSION_TYPE as COMPONENT_TYPE } from "../tokens";
/** Type token of an InstallPlan emitted through `@pulumi/kubernetes` CustomResource. */
export const INSTALLPLAN_TYPE = "kubernetes:kubesphere.io/v1alpha1:InstallPlan";

/** Names of the component's registered outputs that policies read. */
export const ComponentOutputs = {
  /** string: the extension name. */
  extensionName: "extensionName",
  /** string: the exact version requested. */
  version: "version",
  /** string | undefined: the version installed in the cluster when this run resolved. */
  installedVersionAtPreview: "installedVersionAtPreview",
  /** string[]: required dependencies satisfied by extensions already installed in the cluster. */
  installedDependencies: "installedDependencies",
  /** string[] | undefined: `placement.clusters` of the existing InstallPlan, when one exists. */
  previousClusters: "previousClusters",
  /**
   * string[][] | undefined: the apply waves of a staged rollout (`rollout` argument) over the target
   * clusters, in rollout order (docs/rollouts.md); empty or absent without a rollout. With a rollout the
   * InstallPlan's `spec.clusterScheduling` is owned by the rollout, so these waves are also the targets.
   */
  rolloutWaves: "rolloutWaves",
  /**
   * string[][] | undefined: the removal waves of a staged rollout (clusters leaving the placement), in
   * the order they run (last wave first). Absent: the policy counts every removal as one group.
   */
  rolloutRemovalWaves: "rolloutRemovalWaves",
} as const;
