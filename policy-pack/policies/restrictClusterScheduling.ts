import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
  annotation,
  ANNOTATION_INSTALLATION_MODE,
  configWithDefaults,
  isInstallPlan,
  PACK_TAGS,
  planProps,
  show,
  subject,
} from "../lib/installPlan";

/** Configuration of {@link restrictClusterScheduling}. */
export interface ClusterSchedulingConfig {
  /**
   * When true, a plan with `clusterScheduling` must carry the installation-mode annotation (which
   * `KubeSphereExtension` always writes), so hand-written multicluster plans fail until annotated.
   * Default false: without the annotation the mode check is skipped.
   */
  requireInstallationMode: boolean;
}

const DEFAULTS: ClusterSchedulingConfig = { requireInstallationMode: false };

/**
 * Checks `spec.clusterScheduling`:
 *
 * - only ExtensionVersions whose `installationMode` is `Multicluster` may have it. The controller never
 *   reads the mode (docs/kubesphere-behavior.md §2.9, §3.6) and would install an empty `<ext>-agent` release on every
 *   listed cluster of a `HostOnly` extension. The mode comes from the annotation
 *   `kubesphere-ext.io/installation-mode` that `KubeSphereExtension` writes;
 * - `placement` must be set: the controller dereferences it without a nil check (docs/kubesphere-behavior.md §2.9);
 * - every key of `overrides` must be a cluster in `placement.clusters` when that list is given;
 *   an override for another cluster (usually a typo) is never applied.
 *
 * @severity high
 */
export const restrictClusterScheduling: ResourceValidationPolicy = {
  name: "kubesphere-installplan-cluster-scheduling",
  description:
    "spec.clusterScheduling is only for Multicluster extension versions, must have a placement, and may only " +
    "override placed clusters.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: [...PACK_TAGS, "multicluster"],
  remediationSteps:
    "For a HostOnly extension version remove clusterScheduling. Otherwise give clusterScheduling.placement " +
    "(clusters: [...] or clusterSelector; clusters: [] uninstalls every agent), and key overrides only by " +
    "clusters listed in placement.clusters.",
  configSchema: {
    properties: {
      requireInstallationMode: {
        type: "boolean",
        default: false,
        description:
          "Fail plans with clusterScheduling that lack the kubesphere-ext.io/installation-mode annotation.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isInstallPlan(args.type)) return;
    const props = planProps(args);
    const scheduling = props.spec?.clusterScheduling;
    if (scheduling === undefined || scheduling === null) return;
    const { requireInstallationMode } = configWithDefaults(args, DEFAULTS);

    const mode = annotation(props, ANNOTATION_INSTALLATION_MODE);
    if (mode === "HostOnly") {
      reportViolation(
        `${subject(args)}: spec.clusterScheduling is set, but the requested extension version is HostOnly ` +
        `(annotation ${ANNOTATION_INSTALLATION_MODE}). KubeSphere would still install an "<extension>-agent" release ` +
        `on every placed cluster. Fix: remove clusterScheduling.`,
      );
    } else if (mode === undefined) {
      if (requireInstallationMode) {
        reportViolation(
          `${subject(args)}: spec.clusterScheduling is set, but the plan has no ${ANNOTATION_INSTALLATION_MODE} ` +
          `annotation, so it cannot be shown that the extension version is Multicluster. Fix: create the plan with ` +
          `KubeSphereExtension, or add the annotation with the ExtensionVersion's spec.installationMode.`,
        );
      }
    } else if (mode !== "Multicluster") {
      reportViolation(
        `${subject(args)}: annotation ${ANNOTATION_INSTALLATION_MODE} is ${show(mode)}; expected "HostOnly" or ` +
        `"Multicluster". Fix: set it to the ExtensionVersion's spec.installationMode.`,
      );
    }

    const placement = scheduling.placement;
    if (placement === undefined || placement === null) {
      reportViolation(
        `${subject(args)}: spec.clusterScheduling has no placement. The KubeSphere controller reads ` +
        `placement.clusters without a nil check and fails on this plan. Fix: set placement.clusters (a list, ` +
        `[] to uninstall every agent) or placement.clusterSelector.`,
      );
      return;
    }
    const clusters = placement.clusters;
    const overrides = scheduling.overrides;
    if (!Array.isArray(clusters) || clusters.length === 0 || overrides === undefined || overrides === null) return;
    const unplaced = Object.keys(overrides).filter((c) => !clusters.includes(c));
    if (unplaced.length > 0) {
      reportViolation(
        `${subject(args)}: spec.clusterScheduling.overrides has entries for ${unplaced.map((c) => `"${c}"`).join(", ")}, ` +
        `which placement.clusters (${clusters.join(", ")}) does not list, so they are never applied. ` +
        `Fix: correct the cluster name or add the cluster to placement.clusters.`,
      );
    }
  },
};
