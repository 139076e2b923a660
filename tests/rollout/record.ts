/**
 * Test support: judging a rollout from the API server's own record of an InstallPlan — its successive
 * versions as a watch (or the simulator's change feed) delivered them, each with the time it was seen.
 * Used by the in-process rollout tests and meant for the real-engine e2e scenario (feed it the events
 * of a watch on `/apis/kubesphere.io/v1alpha1/installplans`).
 */
import type { InstallPlan } from "../../components/kubesphere/types";

/** One version of the plan as the API served it, in resourceVersion order. */
export interface PlanObservation {
  /** When it was seen (epoch ms or performance time; only differences are used). */
  at: number;
  /** The object. */
  plan: InstallPlan;
}

/** Per cluster: when it was first written into the placement and first seen Installed as expected. */
export interface ClusterTimelineRow {
  /** 1-based wave. */
  wave: number;
  /** Cluster name. */
  cluster: string;
  /** Index of the first observation placing it (-1: never). */
  writtenIndex: number;
  /** Time of that observation. */
  writtenAt?: number;
  /** Index of the first observation, at or after `writtenIndex`, showing it Installed as expected (-1: never). */
  installedIndex: number;
  /** Time of that observation. */
  installedAt?: number;
}

/** What "Installed as expected" means for one cluster: the entry's version and (optionally) hash. */
export interface InstalledAs {
  /** `status.clusterSchedulingStatuses[c].version`. */
  version: string;
  /** Exact `configHash` per cluster, when it must match (absent: any). */
  hashes?: Record<string, string>;
}

const placedIn = (p: InstallPlan, c: string) => (p.spec.clusterScheduling?.placement?.clusters ?? []).includes(c);

function installedIn(p: InstallPlan, c: string, as: InstalledAs): boolean {
  const e = p.status?.clusterSchedulingStatuses?.[c];
  return e?.state === "Installed" && e.version === as.version && (as.hashes?.[c] === undefined || e.configHash === as.hashes[c]);
}

/** The timeline of `waves` (apply waves) in `record`. */
export function waveTimeline(record: PlanObservation[], waves: string[][], as: InstalledAs): ClusterTimelineRow[] {
  return waves.flatMap((w, i) => w.map((cluster) => {
    const writtenIndex = record.findIndex((o) => placedIn(o.plan, cluster));
    const installedIndex = writtenIndex < 0 ? -1 : record.findIndex((o, j) => j >= writtenIndex && installedIn(o.plan, cluster, as));
    return {
      wave: i + 1, cluster, writtenIndex, installedIndex,
      writtenAt: writtenIndex >= 0 ? record[writtenIndex].at : undefined,
      installedAt: installedIndex >= 0 ? record[installedIndex].at : undefined,
    };
  }));
}

/**
 * Violations of the rollout order in `record`: a cluster of wave N+1 placed before every cluster of
 * wave N was Installed as expected, or a cluster never placed / never Installed. Empty = in order.
 */
export function waveOrderViolations(record: PlanObservation[], waves: string[][], as: InstalledAs): string[] {
  const rows = waveTimeline(record, waves, as);
  const out: string[] = [];
  for (const r of rows) {
    if (r.writtenIndex < 0) out.push(`wave ${r.wave}: ${r.cluster} was never placed`);
    else if (r.installedIndex < 0) out.push(`wave ${r.wave}: ${r.cluster} was never Installed as expected`);
  }
  for (let n = 1; n < waves.length; n++) {
    const prev = rows.filter((r) => r.wave === n);
    const next = rows.filter((r) => r.wave === n + 1 && r.writtenIndex >= 0);
    const lastInstalled = Math.max(...prev.map((r) => (r.installedIndex < 0 ? Infinity : r.installedIndex)));
    for (const r of next) {
      if (r.writtenIndex <= lastInstalled) out.push(`wave ${n + 1}: ${r.cluster} was placed (change #${r.writtenIndex}) before wave ${n} was Installed (change #${lastInstalled})`);
    }
  }
  return out;
}

/** The timeline as table lines: `wave  cluster  written at  Installed at  (+s)`, times relative to `t0`. */
export function formatRecordTimeline(rows: ClusterTimelineRow[], t0 = Math.min(...rows.map((r) => r.writtenAt ?? Infinity))): string[] {
  const rel = (t: number | undefined) => (t === undefined ? "-" : `+${((t - t0) / 1000).toFixed(3)} s`);
  return [
    "wave  cluster       written at     Installed at",
    ...rows.map((r) => `${String(r.wave).padEnd(6)}${r.cluster.padEnd(14)}${rel(r.writtenAt).padEnd(15)}${rel(r.installedAt)}`),
  ];
}
