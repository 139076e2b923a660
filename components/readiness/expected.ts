/**
 * Builds the {@link ExpectedInstallPlan} for a plan about to be applied, following docs/readiness.md
 * "The rules": the host hash is FNV-1a 64 of the stored `spec.config`; a target cluster without an
 * override expects the host hash; a cluster with an override uses the snapshot rule (its hash before
 * applying, and whether its effective values change, decided by deep-comparing the merged values
 * the way the controller merges them, docs/kubesphere-behavior.md §2.11); clusters that stop being placed must lose their entry.
 * Pure: the caller passes the live plan it read before applying.
 */
import * as YAML from "yaml";
import { fnv1a64Hex } from "../config/configHash";
import type { InstallPlan } from "../kubesphere/types";
import type { ExpectedClusterState, ExpectedInstallPlan } from "./assess";

/** What {@link expectedInstallPlan} needs. */
export interface ExpectationInput {
  /** The plan as it will be stored (config and overrides already trimmed like the webhook). */
  plan: InstallPlan;
  /** Schedulable clusters the placement targets (as resolved; unschedulable ones are skipped, §2.9). */
  targetClusters?: string[];
  /**
   * Every cluster the placement selects, schedulable or not. An entry of a placed but unschedulable
   * cluster is left alone by the controller, so it is neither expected nor "removed". Defaults to
   * `spec.clusterScheduling.placement.clusters` when explicit, else `targetClusters`.
   */
  placedClusters?: string[];
  /** The live plan read before applying (its spec and status), if it existed. */
  previous?: InstallPlan;
}

type Values = Record<string, unknown>;

function isMap(v: unknown): v is Values {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** yaml.v3 unmarshal into a map; anything that is not a map (or does not parse) counts as empty (§2.11). */
function parseMap(text: string): Values {
  try {
    const v = YAML.parse(text) as unknown;
    return isMap(v) ? v : {};
  } catch {
    return {};
  }
}

/** The controller's merge: nested maps merge, anything else is replaced by the override. */
function deepMerge(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isMap(out[k]) && isMap(v) ? deepMerge(out[k] as Values, v) : v;
  return out;
}

/**
 * The effective values of cluster `c` as a comparable value (§2.11): the config text itself without
 * an override key, the short-cut texts when either side is empty, else the merged map.
 */
export function effectiveClusterValues(spec: InstallPlan["spec"] | undefined, c: string): unknown {
  const config = spec?.config ?? "";
  const overrides = spec?.clusterScheduling?.overrides;
  if (!overrides || !Object.prototype.hasOwnProperty.call(overrides, c)) return { text: config };
  const base = config.trim();
  const over = (overrides[c] ?? "").trim();
  if (base === "" && over === "") return { text: "" };
  if (over === "") return { text: base };
  if (base === "") return { text: over };
  return { merged: deepMerge(parseMap(base), parseMap(over)) };
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (isMap(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}

/**
 * The expectation for `input.plan`.
 *
 * Limitation: "values unchanged → the entry keeps its snapshot hash" assumes the snapshot reflects
 * the previous spec (the previous apply completed). After an interrupted apply, re-apply once the
 * plan has settled.
 */
export function expectedInstallPlan(input: ExpectationInput): ExpectedInstallPlan {
  const { plan, previous } = input;
  const expected: ExpectedInstallPlan = {
    name: plan.metadata.name,
    version: plan.spec.extension.version,
    configHash: fnv1a64Hex(plan.spec.config ?? ""),
    enabled: plan.spec.enabled,
  };
  const scheduling = plan.spec.clusterScheduling;
  // clusterScheduling: null leaves agents (and their entries) alone (§6.12): nothing to expect.
  if (!scheduling) return expected;
  const targets = [...new Set(input.targetClusters ?? [])].sort();
  const overrides = scheduling.overrides ?? {};
  const prevEntries = previous?.status?.clusterSchedulingStatuses ?? {};
  const clusters: Record<string, ExpectedClusterState> = {};
  for (const c of targets) {
    if (!Object.prototype.hasOwnProperty.call(overrides, c)) {
      clusters[c] = {};
      continue;
    }
    const snapshot = prevEntries[c]?.configHash ?? "";
    if (snapshot === "") {
      clusters[c] = { mustDifferFrom: "" };
      continue;
    }
    const changed = stable(effectiveClusterValues(previous?.spec, c)) !== stable(effectiveClusterValues(plan.spec, c));
    clusters[c] = changed ? { mustDifferFrom: snapshot } : { configHash: snapshot };
  }
  expected.clusters = clusters;
  const explicit = scheduling.placement?.clusters;
  const placed = new Set(input.placedClusters ?? (explicit && explicit.length > 0 ? explicit : targets));
  const removed = Object.keys(prevEntries).filter((c) => !placed.has(c)).sort();
  if (removed.length > 0) expected.removedClusters = removed;
  return expected;
}
