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
  /**
   * Most clusters one deployment may add to or remove from a plan's placement; with a staged rollout
   * (`rolloutWaves`), most clusters one wave may change. Default 2.
   */
  maxClusterChanges: number;
  /**
   * Whether a placement by `clusterSelector` (no explicit cluster list) is accepted. Default false: the
   * clusters a selector picks are only known in the cluster, so the change cannot be bounded.
   */
  allowClusterSelector: boolean;
}

const DEFAULTS: ClusterChangesConfig = { maxClusterChanges: 2, allowClusterSelector: false };

const quoteAll = (names: string[]): string => names.map((n) => `"${n}"`).join(", ");

/** The component's `rolloutWaves` output: a list of lists of cluster names, or why it is not one. */
function wavesOf(value: unknown): { waves: string[][] | undefined } | { problem: string } {
  if (value === undefined || value === null) return { waves: undefined };
  if (!Array.isArray(value) || !value.every((w) => Array.isArray(w) && w.every((c) => typeof c === "string"))) {
    return { problem: `output rolloutWaves is ${JSON.stringify(value)?.slice(0, 80)}, not a list of lists of cluster names` };
  }
  return { waves: value.map((w: string[]) => [...w]) };
}

/**
 * With a staged rollout, the changed clusters of each wave (and those no wave names, which would change
 * at once) must stay within the limit. Returns one violation text per offending group.
 */
function waveViolations(waves: string[][], changed: string[], max: number): string[] {
  const out: string[] = [];
  waves.forEach((w, i) => {
    const inWave = w.filter((c) => changed.includes(c));
    if (inWave.length > max) {
      out.push(`rollout wave ${i + 1} changes ${quoteAll(inWave)}: ${inWave.length} clusters, more than maxClusterChanges (${max})`);
    }
  });
  const unstaged = changed.filter((c) => !waves.some((w) => w.includes(c)));
  if (unstaged.length > max) {
    out.push(`${quoteAll(unstaged)} change but no rollout wave names them: ${unstaged.length} clusters at once, more than maxClusterChanges (${max})`);
  }
  return out;
}

/**
 * Limits the blast radius of one deployment: the number of clusters added to plus removed from an
 * InstallPlan's `placement.clusters`, compared with the placement before this deployment, must not
 * exceed `maxClusterChanges`. Each added cluster gets an agent install, each removed one an uninstall.
 * A larger change needs a staged rollout: when the owning `KubeSphereExtension` has `rollout` (its
 * `rolloutWaves` output), the limit applies to each wave instead, since the next wave is written only
 * after the previous one is installed (docs/rollouts.md). A selector placement is accepted with a
 * rollout (the waves name its clusters).
 *
 * The previous placement is the `previousClusters` output of the owning `KubeSphereExtension`
 * (absent: no plan existed, so every placed cluster is new). Hand-written plans are not checked.
 * The policy also flags removing `clusterScheduling` altogether while clusters were placed: KubeSphere
 * then leaves every agent installed (docs/kubesphere-behavior.md §2.7, §6.12).
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
    "Declare a staged rollout on the extension (`rollout: { batchSize: maxClusterChanges }` or explicit `waves` of at most " +
    "maxClusterChanges clusters each): one `pulumi up` then applies the change wave by wave. Without a rollout, change at " +
    "most maxClusterChanges clusters per `pulumi up`. List clusters explicitly instead of using clusterSelector, or use a " +
    "rollout. To remove every agent keep clusterScheduling with placement.clusters: [] (in waves as well).",
  configSchema: {
    properties: {
      maxClusterChanges: {
        type: "integer",
        minimum: 0,
        default: 2,
        description: "Most clusters (added + removed) one deployment may change per extension; with a staged rollout, per wave.",
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
      const wavesRead = wavesOf(component.props[ComponentOutputs.rolloutWaves]);
      if ("problem" in wavesRead) {
        reportViolation(`${subject(plan)}: the owning KubeSphereExtension's ${wavesRead.problem}.`, plan.urn);
        continue;
      }
      const waves = wavesRead.waves !== undefined && wavesRead.waves.length > 0 ? wavesRead.waves : undefined;
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
      if (desired.length === 0 && placement.clusterSelector !== undefined && placement.clusterSelector !== null && waves === undefined) {
        if (!allowClusterSelector) {
          reportViolation(
            `${subject(plan)}: placement uses clusterSelector, which can select any number of clusters, so this ` +
            `deployment's blast radius cannot be bounded. Fix: list the clusters in placement.clusters (at most ` +
            `${maxClusterChanges} changed per deployment), declare a staged rollout on the extension (its waves name the ` +
            `selected clusters), or set allowClusterSelector: true in this policy's config.`,
            plan.urn,
          );
        }
        continue;
      }
      const bySelector = desired.length === 0 && placement.clusterSelector !== undefined && placement.clusterSelector !== null;
      // A selector's matches are known to the component, which names them in the waves; clusters the
      // selector drops cannot be told from unchanged ones here, and the rollout stages them as well.
      const added = bySelector && waves !== undefined
        ? [...new Set(waves.flat())].filter((c) => !previous.includes(c))
        : desired.filter((c) => !previous.includes(c));
      const removed = bySelector ? [] : previous.filter((c) => !desired.includes(c));
      const changes = added.length + removed.length;
      if (waves !== undefined) {
        for (const v of waveViolations(waves, [...added, ...removed], maxClusterChanges)) {
          reportViolation(`${subject(plan)}: ${v}. Fix: waves of at most ${maxClusterChanges} changed clusters (e.g. \`rollout: { batchSize: ${Math.max(1, maxClusterChanges)} }\`).`, plan.urn);
        }
        continue;
      }
      if (changes <= maxClusterChanges) continue;
      const parts = [
        added.length > 0 ? `adds ${quoteAll(added)}` : "",
        removed.length > 0 ? `removes ${quoteAll(removed)}` : "",
      ].filter((p) => p !== "");
      reportViolation(
        `${subject(plan)}: this deployment ${parts.join(" and ")}: ${changes} cluster changes, more than ` +
        `maxClusterChanges (${maxClusterChanges}). Fix: declare a staged rollout on the extension (\`rollout: { batchSize: ` +
        `${Math.max(1, maxClusterChanges)} }\` or explicit \`waves\`), or change at most ${maxClusterChanges} clusters per deployment.`,
        plan.urn,
      );
    }
  },
};
