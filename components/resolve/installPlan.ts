/** The InstallPlan object exactly as the component emits it (pure; no Pulumi). */
import { ANNOTATION_INSTALLATION_MODE, ANNOTATION_MANAGED_BY_STACK, ANNOTATION_REQUIRED_DEPENDENCIES } from "../kubesphere/annotations";
import { ClusterScheduling, InstallPlan, KS_API_VERSION, LabelSelector } from "../kubesphere/types";

/** Inputs of `buildInstallPlan`, already validated and normalised. */
export interface InstallPlanParts {
  name: string;
  version: string;
  enabled: boolean;
  upgradeStrategy: string;
  /** Trimmed YAML text, or undefined to omit `spec.config`. */
  config?: string;
  /** Placement and trimmed per-cluster overrides; undefined to omit `spec.clusterScheduling`. */
  clusterScheduling?: { clusters?: string[]; clusterSelector?: LabelSelector; overrides?: Record<string, string> };
  installationMode: string;
  requiredDependencies: Array<{ name: string; version: string }>;
  /** `<project>/<stack>` that manages the plan, when known. */
  managedByStack?: string;
}

/**
 * Builds the InstallPlan: named after the extension (the controller maps Job and release events to
 * a plan of that name, docs/kubesphere-behavior.md §6.1), `enabled` always sent, `placement` always present when
 * `clusterScheduling` is (the controller dereferences it without a nil check, §2.9).
 */
export function buildInstallPlan(p: InstallPlanParts): InstallPlan {
  const spec: InstallPlan["spec"] = {
    extension: { name: p.name, version: p.version },
    enabled: p.enabled,
    upgradeStrategy: p.upgradeStrategy,
  };
  if (p.config !== undefined) spec.config = p.config;
  if (p.clusterScheduling !== undefined) {
    const placement: NonNullable<ClusterScheduling["placement"]> = {};
    if (p.clusterScheduling.clusters && p.clusterScheduling.clusters.length > 0) {
      placement.clusters = [...p.clusterScheduling.clusters];
    } else if (p.clusterScheduling.clusterSelector !== undefined) {
      placement.clusterSelector = p.clusterScheduling.clusterSelector;
    } else {
      placement.clusters = [];
    }
    const cs: ClusterScheduling = { placement };
    if (p.clusterScheduling.overrides && Object.keys(p.clusterScheduling.overrides).length > 0) {
      cs.overrides = Object.fromEntries(Object.entries(p.clusterScheduling.overrides).sort(([a], [b]) => a.localeCompare(b)));
    }
    spec.clusterScheduling = cs;
  }
  return {
    apiVersion: KS_API_VERSION,
    kind: "InstallPlan",
    metadata: {
      name: p.name,
      annotations: {
        [ANNOTATION_INSTALLATION_MODE]: p.installationMode,
        [ANNOTATION_REQUIRED_DEPENDENCIES]: JSON.stringify(p.requiredDependencies),
        ...(p.managedByStack ? { [ANNOTATION_MANAGED_BY_STACK]: p.managedByStack } : {}),
      },
    },
    spec,
  };
}
