/** Cluster facts as the InstallPlan controller sees them (docs/kubesphere-behavior.md §1.7, §2.9). Pure functions. */
import type { Cluster, LabelSelector } from "./types";
import { LABEL_HOST_CLUSTER } from "./types";

/** Kubernetes label-selector semantics (matchLabels AND matchExpressions); an empty selector matches all. */
export function matchesSelector(labels: Record<string, string> | undefined, selector: LabelSelector): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case "In": if (!has || !values.includes(l[e.key])) return false; break;
      case "NotIn": if (has && values.includes(l[e.key])) return false; break;
      case "Exists": if (!has) return false; break;
      case "DoesNotExist": if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Schedulable: not being deleted, `Ready=True`, and no `Schedulable=False` (`CU:29-44`). */
export function isSchedulable(c: Cluster): boolean {
  if (c.metadata.deletionTimestamp) return false;
  const conds = c.status?.conditions ?? [];
  const ready = conds.some((x) => x.type === "Ready" && x.status === "True");
  const unschedulable = conds.some((x) => x.type === "Schedulable" && x.status === "False");
  return ready && !unschedulable;
}

/** True for the host Cluster object (label `cluster-role.kubesphere.io/host`). */
export function isHostCluster(c: Cluster): boolean {
  return c.metadata.labels?.[LABEL_HOST_CLUSTER] !== undefined;
}

/**
 * The clusters a placement targets, as the controller computes them: explicit names win over the
 * selector; names of missing clusters are skipped; unschedulable clusters are skipped.
 */
export function targetClusters(
  clusters: Cluster[],
  placement: { clusters?: string[]; clusterSelector?: LabelSelector } | undefined,
): string[] {
  if (!placement) return [];
  const byName = new Map(clusters.map((c) => [c.metadata.name, c]));
  let chosen: Cluster[];
  if (placement.clusters && placement.clusters.length > 0) {
    chosen = placement.clusters.map((n) => byName.get(n)).filter((c): c is Cluster => c !== undefined);
  } else if (placement.clusterSelector !== undefined) {
    chosen = clusters.filter((c) => matchesSelector(c.metadata.labels, placement.clusterSelector!));
  } else {
    chosen = [];
  }
  return chosen.filter(isSchedulable).map((c) => c.metadata.name);
}
