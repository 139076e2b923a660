/**
 * What a user asks for: one extension at one exact version, with values and placement. Plain data,
 * shared by the component, the set-level form and the CLI.
 */
import type { LabelSelector } from "../kubesphere/types";

/** Where the agents of a Multicluster extension go, and their per-cluster values. */
export interface ClusterSchedulingRequest {
  /** Member clusters by name. Wins over `clusterSelector` when non-empty (controller behaviour). */
  clusters?: string[];
  /** Label selector over `Cluster` objects; an empty selector matches every cluster. */
  clusterSelector?: LabelSelector;
  /** Per-cluster Helm values (objects) that override `config` for that cluster. */
  overrides?: Record<string, Record<string, unknown>>;
  /** Per-cluster Helm values as YAML text. A cluster may appear here or in `overrides`, not both. */
  overridesYaml?: Record<string, string>;
  /**
   * Accept a placement that targets no cluster (an empty list, or a selector matching no Cluster).
   * Default `false`: such a placement removes the agents from every member cluster, which is almost
   * always a mistake, so it must be asked for explicitly.
   */
  allowNoClusters?: boolean;
}

/** One extension as requested. */
export interface ExtensionRequest {
  /** Extension name (DNS-1123), e.g. `devops`. The InstallPlan is named after it. */
  name: string;
  /** Exact version, e.g. `1.1.2`. Ranges, `latest` and empty are rejected. */
  version: string;
  /** `spec.enabled`; default `true`. Always sent. */
  enabled?: boolean;
  /** `spec.upgradeStrategy`; default `Manual`. */
  upgradeStrategy?: string;
  /** Helm values as an object (rendered with sorted keys). */
  config?: Record<string, unknown>;
  /** Helm values as YAML text. Give `config` or `configYaml`, not both. */
  configYaml?: string;
  /** Placement of agents; only for `Multicluster` versions. */
  clusterScheduling?: ClusterSchedulingRequest;
  /** Allow a version lower than the one installed. Default `false`: downgrades are refused. */
  allowDowngrade?: boolean;
  /**
   * Retry counter. KubeSphere never retries a failed install when the same spec is applied again
   * (docs/kubesphere-behavior.md §6.4); a positive number appends the comment line `# kubesphere-ext.io/retry: <n>` to
   * the config, which changes the configHash (not the values), so the controller runs the install again.
   */
  retry?: number;
  /**
   * Take over an InstallPlan of this name that already exists in the cluster but was not created by
   * this stack (no `kubesphere-ext.io/managed-by-stack` annotation, or another stack's). Default
   * `false`: such a plan is never adopted silently; resolution fails and says how to adopt it.
   */
  adopt?: boolean;
}

/** The fields of `ExtensionRequest`, for callers that pick them out of wider argument objects. */
export const EXTENSION_REQUEST_FIELDS = [
  "name", "version", "enabled", "upgradeStrategy", "config", "configYaml", "clusterScheduling", "allowDowngrade",
  "retry", "adopt",
] as const;

/** The fields of `ClusterSchedulingRequest`. */
export const CLUSTER_SCHEDULING_FIELDS = ["clusters", "clusterSelector", "overrides", "overridesYaml", "allowNoClusters"] as const;
