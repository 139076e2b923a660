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

/** A component output that must be a list of lists of cluster names (`rolloutWaves`, `rolloutRemovalWaves`), or why it is not one. */
function wavesOf(value: unknown, output: string): { waves: string[][] | undefined } | { problem: string } {
  if (value === undefined || value === null) return { waves: undefined };
  if (!Array.isArray(value) || !value.every((w) => Array.isArray(w) && w.every((c) => typeof c === "string"))) {
    return { problem: `output ${output} is ${JSON.stringify(value)?.slice(0, 80)}, not a list of lists of cluster names` };
  }
  return { waves: value.map((w: string[]) => [...w]) };
}

/**
 * With a staged rollout, each wave may change at most `max` clusters: the added clusters of each apply
 * wave, the removed clusters of each removal wave, and the changed clusters no wave names (they change
 * at once). Returns one violation text per offending group.
 */
function waveViolations(applyWaves: string[][], removalWaves: string[][], added: string[], removed: string[], max: number): string[] {
  const out: string[] = [];
  const check = (groups: string[][], changed: string[], label: (i: number) => string, verb: string) => {
    groups.forEach((w, i) => {
      const inWave = w.filter((c) => changed.includes(c));
      if (inWave.length > max) out.push(`${label(i)} ${verb} ${quoteAll(inWave)}: ${inWave.length} clusters, more than maxClusterChanges (${max})`);
    });
    return changed.filter((c) => !groups.some((w) => w.includes(c)));
  };
  const unstagedAdds = check(applyWaves, added, (i) => `rollout wave ${i + 1}`, "adds");
  const unstagedRemovals = check(removalWaves, removed, (i) => `rollout removal wave ${i + 1}`, "removes");
  const unstaged = [...unstagedAdds, ...unstagedRemovals];
  if (unstaged.length > max) {
    out.push(`${quoteAll(unstaged)} change but no rollout wave the policy can see stages them: ${unstaged.length} clusters at once, ` +
      `more than maxClusterChanges (${max})`);
  }
  return out;
}

/**
 * Limits the blast radius of one deployment: the number of clusters added to plus removed from an
 * InstallPlan's `placement.clusters`, compared with the placement before this deployment, must not
 * exceed `maxClusterChanges`. Each added cluster gets an agent install, each removed one an uninstall.
 * A larger change needs a staged rollout: when the owning `KubeSphereExtension` has `rollout` (its
 * `rolloutWaves` output: the apply waves over the targets; `rolloutRemovalWaves`: the removal waves),
 * the limit applies to each wave instead, since the next wave is written only after the previous one is
 * installed (docs/rollouts.md). The rollout then owns `spec.clusterScheduling` (the plan's props may
 * leave it out) and the waves name the targets, so a selector placement is accepted too. Removals no
 * visible wave stages count as one group.
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
      const applyRead = wavesOf(component.props[ComponentOutputs.rolloutWaves], "rolloutWaves");
      const removalRead = wavesOf(component.props[ComponentOutputs.rolloutRemovalWaves], "rolloutRemovalWaves");
      if ("problem" in applyRead || "problem" in removalRead) {
        const problem = "problem" in applyRead ? applyRead.problem : (removalRead as { problem: string }).problem;
        reportViolation(`${subject(plan)}: the owning KubeSphereExtension's ${problem}.`, plan.urn);
        continue;
      }
      // With a rollout the waves cover every target exactly once, and the rollout (not the InstallPlan
      // resource) writes spec.clusterScheduling, which the plan's props may then leave out.
      const waves = applyRead.waves !== undefined && applyRead.waves.length > 0 ? applyRead.waves : undefined;
      const removalWaves = removalRead.waves ?? [];
      const scheduling = planProps(plan).spec?.clusterScheduling;
      let desired: string[];
      let bySelector = false;
      if (waves !== undefined) {
        desired = [...new Set(waves.flat())];
        const placement = scheduling?.placement;
        if (placement !== undefined && placement !== null) {
          const clustersRead = stringList(placement.clusters, "spec.clusterScheduling.placement.clusters");
          if ("problem" in clustersRead) {
            reportViolation(`${subject(plan)}: ${clustersRead.problem}. Fix: list cluster names.`, plan.urn);
            continue;
          }
          if ((clustersRead.list ?? []).length > 0) desired = clustersRead.list!;
        }
      } else {
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
        desired = clustersRead.list ?? [];
        bySelector = desired.length === 0 && placement.clusterSelector !== undefined && placement.clusterSelector !== null;
        if (bySelector) {
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
      }
      const added = desired.filter((c) => !previous.includes(c));
      const removed = previous.filter((c) => !desired.includes(c));
      const changes = added.length + removed.length;
      if (waves !== undefined) {
        for (const v of waveViolations(waves, removalWaves, added, removed, maxClusterChanges)) {
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
