/**
 * What the InstallPlan must show once the controller has acted on the spec this run applies
 * (BEHAVIOR Appendix A), derived from the resolved extension and the plan that existed before.
 * Pure: no Pulumi, no network.
 */
import * as YAML from "yaml";
import type { ExpectedClusterState, ExpectedInstallPlan } from "./readiness/assess";
import type { InstallPlan } from "./kubesphere/types";
import type { ResolvedExtension } from "./resolve/resolve";

type Values = Record<string, unknown>;

function parseValues(text: string | undefined): Values {
  if (!text || text.trim() === "") return {};
  try {
    const v = YAML.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Values) : {};
  } catch {
    return {}; // the controller also treats unparsable values as an empty map (§2.11)
  }
}

/** The controller's deep merge: the override wins, nested maps merge, anything else replaces (§2.11). */
export function mergeValues(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const b = out[k];
    out[k] = b && v && typeof b === "object" && typeof v === "object" && !Array.isArray(b) && !Array.isArray(v)
      ? mergeValues(b as Values, v as Values) : v;
  }
  return out;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v as Values).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Values)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** Effective values of an agent on `cluster` under a plan spec. */
export function effectiveClusterValues(plan: Pick<InstallPlan, "spec"> | undefined, cluster: string): Values {
  const config = parseValues(plan?.spec?.config);
  const override = plan?.spec?.clusterScheduling?.overrides?.[cluster];
  return override === undefined ? config : mergeValues(config, parseValues(override));
}

/**
 * The expectation for a resolved extension. A cluster without an override must reach the host hash;
 * a cluster with an override gets the Appendix A treatment: when its effective values are unchanged
 * against the plan that existed before, its recorded hash must stay; when they changed (or the
 * cluster is new), its hash must differ from the snapshot taken now.
 */
export function expectationFor(resolved: ResolvedExtension): ExpectedInstallPlan {
  const plan = resolved.installPlan;
  const before = resolved.existingPlan;
  const clusters: Record<string, ExpectedClusterState> = {};
  const overrides = plan.spec.clusterScheduling?.overrides ?? {};
  for (const c of resolved.targetClusters) {
    if (overrides[c] === undefined) {
      clusters[c] = {};
      continue;
    }
    const previous = before?.status?.clusterSchedulingStatuses?.[c];
    // The hash covers the values only (not the version), so a version-only change keeps it.
    const unchanged = before !== undefined && previous?.configHash &&
      canonical(effectiveClusterValues(before, c)) === canonical(effectiveClusterValues(plan, c));
    clusters[c] = unchanged ? { configHash: previous!.configHash } : { mustDifferFrom: previous?.configHash ?? "" };
  }
  const previouslyTargeted = Object.keys(before?.status?.clusterSchedulingStatuses ?? {});
  const removedClusters = plan.spec.clusterScheduling
    ? previouslyTargeted.filter((c) => !resolved.targetClusters.includes(c)).sort()
    : []; // clusterScheduling removed altogether leaves agents installed (§2.7); nothing to wait for
  return {
    name: plan.metadata.name,
    version: plan.spec.extension.version,
    configHash: resolved.configHash,
    enabled: plan.spec.enabled,
    ...(Object.keys(clusters).length > 0 ? { clusters } : {}),
    ...(removedClusters.length > 0 ? { removedClusters } : {}),
  };
}
