import type { StackValidationPolicy } from "@pulumi/policy";
import { ComponentOutputs } from "../../components/kubesphere/annotations";
import {
  configWithDefaults,
  installPlans,
  owningComponent,
  PACK_TAGS,
  planProps,
  stringList,
  subject,
} from "../lib/installPlan";

/** Configuration of {@link limitClusterChanges}. */
export interface ClusterChangesConfig {
  /** Most clusters one deployment may add to or remove from a plan's placement. Default 2. */
  maxClusterChanges: number;
  /**
   * Whether a placement by `clusterSelector` (no explicit cluster list) is accepted. Default false: the
   * clusters a selector picks are only known in the cluster, so the change cannot be bounded.
   */
  allowClusterSelector: boolean;
}

const DEFAULTS: ClusterChangesConfig = { maxClusterChanges: 2, allowClusterSelector: false };

const quoteAll = (names: string[]): string => names.map((n) => `"${n}"`).join(", ");

/**
 * Limits the blast radius of one deployment: the number of clusters added to plus removed from an
 * InstallPlan's `placement.clusters`, compared with the placement before this deployment, must not
 * exceed `maxClusterChanges`. Each added cluster gets an agent install, each removed one an uninstall.
 *
 * The previous placement is the `previousClusters` output of the owning `KubeSphereExtension`
 * (absent: no plan existed, so every placed cluster is new). Hand-written plans are not checked.
 * The policy also flags removing `clusterScheduling` altogether while clusters were placed: KubeSphere
 * then leaves every agent installed (BEHAVIOR §2.7, §6.12).
 *
 * @severity high
 */
export const limitClusterChanges: StackValidationPolicy = {
  name: "kubesphere-extension-cluster-blast-radius",
  description: "One deployment may add or remove at most maxClusterChanges clusters of an extension's placement.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: [...PACK_TAGS, "multicluster", "blast-radius"],
  remediationSteps:
    "Roll the placement out in waves: change at most maxClusterChanges clusters per `pulumi up`, check the agents, " +
    "then continue. List clusters explicitly instead of using clusterSelector. To remove every agent keep " +
    "clusterScheduling with placement.clusters: [] (in waves as well).",
  configSchema: {
    properties: {
      maxClusterChanges: {
        type: "integer",
        minimum: 0,
        default: 2,
        description: "Most clusters (added + removed) one deployment may change per extension.",
      },
      allowClusterSelector: {
        type: "boolean",
        default: false,
        description: "Accept placement.clusterSelector, whose cluster count cannot be known at preview.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { maxClusterChanges, allowClusterSelector } = configWithDefaults(args, DEFAULTS);
    for (const plan of installPlans(args.resources)) {
      const component = owningComponent(plan);
      if (component === undefined) continue;
      const previousRead = stringList(component.props[ComponentOutputs.previousClusters], "output previousClusters");
      if ("problem" in previousRead) {
        reportViolation(`${subject(plan)}: the owning KubeSphereExtension's ${previousRead.problem}.`, plan.urn);
        continue;
      }
      const previous = previousRead.list ?? [];
      const scheduling = planProps(plan).spec?.clusterScheduling;
      if (scheduling === undefined || scheduling === null) {
        if (previous.length > 0) {
          reportViolation(
            `${subject(plan)}: spec.clusterScheduling is removed, but the plan placed ${quoteAll(previous)}. KubeSphere ` +
            `leaves those agents installed when clusterScheduling disappears. Fix: keep clusterScheduling and set ` +
            `placement.clusters to the clusters that should keep the agent ([] removes all, at most ` +
            `${maxClusterChanges} per deployment).`,
            plan.urn,
          );
        }
        continue;
      }
      const placement = scheduling.placement;
      if (placement === undefined || placement === null) continue; // kubesphere-installplan-cluster-scheduling reports it
      const clustersRead = stringList(placement.clusters, "spec.clusterScheduling.placement.clusters");
      if ("problem" in clustersRead) {
        reportViolation(`${subject(plan)}: ${clustersRead.problem}. Fix: list cluster names.`, plan.urn);
        continue;
      }
      const desired = clustersRead.list ?? [];
      if (desired.length === 0 && placement.clusterSelector !== undefined && placement.clusterSelector !== null) {
        if (!allowClusterSelector) {
          reportViolation(
            `${subject(plan)}: placement uses clusterSelector, which can select any number of clusters, so this ` +
            `deployment's blast radius cannot be bounded. Fix: list the clusters in placement.clusters (at most ` +
            `${maxClusterChanges} changed per deployment), or set allowClusterSelector: true in this policy's config.`,
            plan.urn,
          );
        }
        continue;
      }
      const added = desired.filter((c) => !previous.includes(c));
      const removed = previous.filter((c) => !desired.includes(c));
      const changes = added.length + removed.length;
      if (changes <= maxClusterChanges) continue;
      const parts = [
        added.length > 0 ? `adds ${quoteAll(added)}` : "",
        removed.length > 0 ? `removes ${quoteAll(removed)}` : "",
      ].filter((p) => p !== "");
      reportViolation(
        `${subject(plan)}: this deployment ${parts.join(" and ")}: ${changes} cluster changes, more than ` +
        `maxClusterChanges (${maxClusterChanges}). Fix: change at most ${maxClusterChanges} clusters per deployment ` +
        `and roll out the rest in later waves.`,
        plan.urn,
      );
    }
  },
};
