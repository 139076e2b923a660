/** Shapes shared by the resolution modules (pure data). */
import type { ExtensionVersion, InstallPlan } from "../kubesphere/types";

/** Extra knowledge for resolving one extension among others. */
export interface ResolveContext {
  /**
   * Other extensions declared in the same program or set, `name -> exact version`. A required
   * dependency declared here at a satisfying version counts as satisfied (it will be installed first).
   */
  declared?: Record<string, string>;
  /** Overrides the host's KubeSphere version (e.g. when ks-apiserver `/version` is not readable). */
  ksVersion?: string;
  /** Overrides the host's Kubernetes version. */
  kubeVersion?: string;
  /**
   * `<project>/<stack>` of the Pulumi stack resolving this extension. Stamped on the InstallPlan;
   * a required dependency whose plan this same stack manages but no longer declares is about to be
   * deleted by this update, which is refused. It is also the identity that decides whether an
   * existing InstallPlan is this stack's: a plan stamped by another stack, or not stamped at all, is
   * never taken over silently (see `ExtensionRequest.adopt`). Unset (the CLI): ownership is not checked.
   */
  stack?: string;
}

/** How one `externalDependencies` entry was (or was not) satisfied. */
export interface DependencyResolution {
  /** Dependency extension name. */
  name: string;
  /** Masterminds range it must satisfy. */
  range: string;
  /** Whether the ExtensionVersion marks it required. */
  required: boolean;
  /** `declared` (another member of the set, or an extension given in `dependsOn`), `installed` (in the cluster) or `missing`. */
  satisfiedBy: "declared" | "installed" | "missing";
  /** The version that satisfied it, or the unsatisfying version found. */
  foundVersion?: string;
}

/** A successfully resolved extension. */
export interface ResolvedExtension {
  /** Extension name. */
  name: string;
  /** Exact version. */
  version: string;
  /** The ExtensionVersion `<name>-<version>` found in the catalog. */
  extensionVersion: ExtensionVersion;
  /** `HostOnly` or `Multicluster` (CRD default `HostOnly`). */
  installationMode: string;
  /** Namespace the controller installs into: `spec.namespace` or `extension-<name>`. */
  targetNamespace: string;
  /** The exact InstallPlan object that will be emitted. */
  installPlan: InstallPlan;
  /** The host `configHash` the controller will record once it acts on this spec (FNV-1a 64 of `spec.config`). */
  configHash: string;
  /** Version installed in the cluster now (`Extension.status.installedVersion`), if any. */
  installedVersion?: string;
  /** `Extension.status.state` now, if any. */
  installedState?: string;
  /** The InstallPlan of this extension that exists in the cluster now, if any. */
  existingPlan?: InstallPlan;
  /** Every externalDependency and how it was satisfied. */
  dependencies: DependencyResolution[];
  /** Clusters the agents will be scheduled to (existing, schedulable); empty for HostOnly. */
  targetClusters: string[];
  /** `Extension.status.recommendedVersion`, if known. */
  recommendedVersion?: string;
  /** True when an existing InstallPlan not created by this stack is taken over because the request says `adopt: true`. */
  adopted?: boolean;
  /** Things worth telling the user that do not stop the install. */
  warnings: string[];
}
