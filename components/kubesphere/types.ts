/**
 * TypeScript shapes of the KubeSphere 4.x objects this package reads and writes.
 *
 * They mirror `staging/src/kubesphere.io/api/core/v1alpha1/types.go` and
 * `cluster/v1alpha1/types.go` (see docs/kubesphere-behavior.md §1); only the fields the package
 * uses are typed, everything else passes through untouched.
 */

/** API group/version of the extension kinds (Extension, ExtensionVersion, InstallPlan, ...). */
export const KS_API_VERSION = "kubesphere.io/v1alpha1";
/** API group/version of the Cluster kind. */
export const KS_CLUSTER_API_VERSION = "cluster.kubesphere.io/v1alpha1";
/** Label that ties an ExtensionVersion (and executor Jobs) to its extension. */
export const LABEL_EXTENSION_REF = "kubesphere.io/extension-ref";
/** Label that names the Repository an Extension/ExtensionVersion was synced from. */
export const LABEL_REPOSITORY_REF = "kubesphere.io/repository-ref";
/** Label that names an Extension's category. */
export const LABEL_CATEGORY = "kubesphere.io/category";
/** Annotation whose presence makes the controller force-uninstall the host release (docs/kubesphere-behavior.md §5). */
export const ANNOTATION_FORCE_DELETE = "kubesphere.io/force-delete";
/** Finalizer the InstallPlan controller adds. */
export const FINALIZER_INSTALLPLAN = "kubesphere.io/installplan-protection";
/** Label a host Cluster carries. */
export const LABEL_HOST_CLUSTER = "cluster-role.kubesphere.io/host";

/** Minimal Kubernetes object metadata. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<Record<string, unknown>>;
}

/** Locale map, e.g. `{ en: "DevOps", zh: "DevOps" }`. */
export type LocaleString = Record<string, string>;

/** `ExternalDependency` of an ExtensionVersion. `version` is a Masterminds constraint. */
export interface ExternalDependency {
  name: string;
  type?: string;
  version: string;
  required: boolean;
}

/** `InstallationMode` of an ExtensionVersion (CRD default `HostOnly`). */
export type InstallationMode = "HostOnly" | "Multicluster";

export interface ExtensionVersionSpec {
  displayName?: LocaleString;
  description?: LocaleString;
  icon?: string;
  provider?: Record<string, { name?: string; url?: string; email?: string }>;
  created?: string;
  version?: string;
  keywords?: string[];
  sources?: string[];
  repository?: string;
  category?: string;
  home?: string;
  docs?: string;
  digest?: string;
  screenshots?: string[];
  /** Masterminds semver constraint on the Kubernetes version. */
  kubeVersion?: string;
  /** Masterminds semver constraint on the KubeSphere version. */
  ksVersion?: string;
  chartDataRef?: { namespace?: string; name?: string; key?: string };
  chartURL?: string;
  /** Target namespace; empty means `extension-<name>`. */
  namespace?: string;
  installationMode?: InstallationMode;
  externalDependencies?: ExternalDependency[];
}

/** `ExtensionVersion` (cluster-scoped, named `<extension>-<version>`). */
export interface ExtensionVersion {
  apiVersion: string;
  kind: "ExtensionVersion";
  metadata: ObjectMeta;
  spec: ExtensionVersionSpec;
}

/** One entry of a stateHistory. */
export interface StateHistoryEntry {
  lastTransitionTime: string;
  state: string;
}

/** A standard metav1.Condition. */
export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** InstallationStatus (host status and each cluster's entry). */
export interface InstallationStatus {
  state?: string;
  configHash?: string;
  targetNamespace?: string;
  releaseName?: string;
  version?: string;
  jobName?: string;
  conditions?: Condition[];
  stateHistory?: StateHistoryEntry[];
}

export interface ExtensionStatus {
  state?: string;
  enabled?: boolean;
  plannedInstallVersion?: string;
  installedVersion?: string;
  recommendedVersion?: string;
  versions?: Array<{ version: string; creationTimestamp?: string }>;
  conditions?: Condition[];
  clusterSchedulingStatuses?: Record<string, InstallationStatus>;
}

/** `Extension` (cluster-scoped, named after the extension). */
export interface Extension {
  apiVersion: string;
  kind: "Extension";
  metadata: ObjectMeta;
  spec?: {
    displayName?: LocaleString;
    description?: LocaleString;
    icon?: string;
    provider?: ExtensionVersionSpec["provider"];
    created?: string;
  };
  status?: ExtensionStatus;
}

/** A Kubernetes LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }>;
}

/** `spec.clusterScheduling` of an InstallPlan. */
export interface ClusterScheduling {
  placement?: { clusters?: string[]; clusterSelector?: LabelSelector };
  /** Cluster name → YAML text of Helm values overriding `spec.config` for that cluster. */
  overrides?: Record<string, string>;
}

export interface InstallPlanSpec {
  extension: { name: string; version: string };
  enabled: boolean;
  upgradeStrategy?: string;
  /** YAML text of Helm values. */
  config?: string;
  clusterScheduling?: ClusterScheduling;
}

export interface InstallPlanStatus extends InstallationStatus {
  enabled?: boolean;
  clusterSchedulingStatuses?: Record<string, InstallationStatus>;
}

/** `InstallPlan` (cluster-scoped; by convention named after the extension). */
export interface InstallPlan {
  apiVersion: string;
  kind: "InstallPlan";
  metadata: ObjectMeta;
  spec: InstallPlanSpec;
  status?: InstallPlanStatus;
}

export interface Category {
  apiVersion: string;
  kind: "Category";
  metadata: ObjectMeta;
  spec?: { displayName?: LocaleString; description?: LocaleString; icon?: string };
}

export interface Repository {
  apiVersion: string;
  kind: "Repository";
  metadata: ObjectMeta;
  spec?: { url?: string; description?: string; depth?: number; [k: string]: unknown };
  status?: { lastSyncTime?: string };
}

/** `Cluster` (group cluster.kubesphere.io). */
export interface Cluster {
  apiVersion: string;
  kind: "Cluster";
  metadata: ObjectMeta;
  spec?: { provider?: string; connection?: Record<string, unknown>; [k: string]: unknown };
  status?: {
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    kubernetesVersion?: string;
    kubeSphereVersion?: string;
    [k: string]: unknown;
  };
}

/** State strings the InstallPlan controller writes (docs/kubesphere-behavior.md §2.1). There is no `Failed`. */
export const InstallPlanState = {
  Unknown: "",
  Preparing: "Preparing",
  Installing: "Installing",
  InstallFailed: "InstallFailed",
  Upgrading: "Upgrading",
  UpgradeFailed: "UpgradeFailed",
  Installed: "Installed",
  Uninstalling: "Uninstalling",
  UninstallFailed: "UninstallFailed",
  Uninstalled: "Uninstalled",
} as const;
