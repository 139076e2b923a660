/**
 * The InstallPlan controller's pure rules, written from docs/kubesphere-behavior.md §2 (no I/O):
 *
 * - {@link setState}: the single transition function with the history appender of §2.2
 *   (time rounded to the second; same state or an earlier time refused; history sorted, capped
 *   at 10; the condition written first, one per type, only when the transition was accepted);
 * - {@link jobPhase} and {@link deriveStatus}: the Job → state and Helm release → state mapping of
 *   §2.4 (completed install/upgrade Jobs map to nothing; success comes only from the release);
 * - {@link versionChanged}, {@link configChanged} and {@link decide}: the decision table of §2.5;
 * - {@link targetClusters}, {@link isSchedulable} and {@link clusterConfig}: cluster selection of
 *   §2.9 and the per-cluster effective config of §2.11.
 */
import * as YAML from "yaml";
import { fnv1a64Hex } from "../components/config/configHash";
import type { Cluster, Condition, InstallationStatus, InstallPlan, StateHistoryEntry } from "../components/kubesphere/types";
import { kubeTime } from "./clock";
import { matchesLabelSelector } from "./selectors";
import { InstallPlanState } from "../components/kubesphere/types";
import { isSchedulable as isClusterSchedulable } from "../components/kubesphere/clusters";

/** States the controller stores (docs/kubesphere-behavior.md §2.1). `Upgraded` is only an input of {@link setState}. */
export const State = { ...InstallPlanState, Upgraded: "Upgraded" } as const;

/** Cap of `stateHistory` (`MaxStateNum`). */
export const MAX_STATE_HISTORY = 10;

/** Condition type/reason/status written for an accepted transition (§2.2 table), if any. */
export function conditionFor(state: string): Pick<Condition, "type" | "status" | "reason"> | undefined {
  switch (state) {
    case State.Installed: return { type: "Installed", status: "True", reason: "InstallSuccessful" };
    case State.InstallFailed: return { type: "Installed", status: "False", reason: "InstallFailed" };
    case State.Upgraded: return { type: "Upgraded", status: "True", reason: "UpgradeSuccessful" };
    case State.UpgradeFailed: return { type: "Upgraded", status: "False", reason: "UpgradeFailed" };
    case State.UninstallFailed: return { type: "Uninstalled", status: "False", reason: "UninstallFailed" };
    default: return undefined;
  }
}

/** Go's `time.Round(time.Second)`: halfway values round up. */
export function roundToSecond(time: Date): Date {
  return new Date(Math.floor((time.getTime() + 500) / 1000) * 1000);
}

/** Puts `condition` first and drops any other condition of the same type (`conditions[0]` is newest). */
export function putCondition(status: InstallationStatus, condition: Condition): void {
  status.conditions = [condition, ...(status.conditions ?? []).filter((c) => c.type !== condition.type)];
}

/**
 * The transition function (`IPC:1520-1541` with the appender `IPC:434-495`). Mutates `status`
 * and returns true when the transition was accepted.
 */
export function setState(status: InstallationStatus, state: string, message: string, time: Date): boolean {
  const at = kubeTime(roundToSecond(time));
  const stored = state === State.Upgraded ? State.Installed : state;
  const history: StateHistoryEntry[] = status.stateHistory ?? [];
  const last = history[history.length - 1];
  if (last) {
    if (last.state === stored) return false;
    if (Date.parse(at) < Date.parse(last.lastTransitionTime)) return false;
  }
  status.state = stored;
  const next = [...history, { lastTransitionTime: at, state: stored }];
  next.sort((a, b) => Date.parse(a.lastTransitionTime) - Date.parse(b.lastTransitionTime));
  status.stateHistory = next.slice(-MAX_STATE_HISTORY);
  const cond = conditionFor(state);
  if (cond) putCondition(status, { ...cond, message, lastTransitionTime: at });
  return true;
}

/** The subset of a batch/v1 Job the controller reads. */
export interface JobLike {
  /** Name, creation time and the `executor.kubesphere.io/action` annotation. */
  metadata: { name: string; creationTimestamp?: string; annotations?: Record<string, string> };
  /** Completions (default 1) and backoffLimit (executor Jobs: 0). */
  spec?: { completions?: number; backoffLimit?: number };
  /** Pod counts and conditions. */
  status?: {
    succeeded?: number;
    failed?: number;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }>;
  };
}

/** `completed`, `failed` or `active`, as `IPC:1663-1671` decides. */
export function jobPhase(job: JobLike): "completed" | "failed" | "active" {
  const completions = job.spec?.completions ?? 1;
  const backoffLimit = job.spec?.backoffLimit ?? 6;
  if ((job.status?.succeeded ?? 0) >= completions) return "completed";
  if ((job.status?.failed ?? 0) > backoffLimit) return "failed";
  return "active";
}

/** Annotation naming the executor action of a Job. */
export const ANNOTATION_EXECUTOR_ACTION = "executor.kubesphere.io/action";
/** Annotation carrying the FNV-1a hash of the Job's values. */
export const ANNOTATION_EXECUTOR_CONFIG_HASH = "executor.kubesphere.io/config-hash";

/** Helm release status strings. */
export type ReleaseStatus = "pending-install" | "pending-upgrade" | "pending-rollback" | "deployed" | "failed" | "superseded" | "uninstalling" | "uninstalled";

/** The latest revision of a Helm release, as `helm get` returns it. */
export interface ReleaseInfo {
  /** Release name. */
  name: string;
  /** Revision number (1 = first install). */
  revision: number;
  /** Status of this revision. */
  status: ReleaseStatus;
  /** Chart version (`Chart.yaml` version). */
  chartVersion: string;
  /** `info.last_deployed`: the helm pod's clock when the operation started. */
  lastDeployed: Date;
  /** `info.description` ("Install complete", "Upgrade complete", `Release "x" failed: ...`). */
  description: string;
}

/**
 * Applies §2.4 to `status`: the Job first, then the release. Mutates `status` (including
 * `version`/`releaseName` for a deployed release) and returns true when anything changed.
 */
export function deriveStatus(status: InstallationStatus, job: JobLike | undefined, release: ReleaseInfo | undefined): boolean {
  const before = JSON.stringify(status);
  if (job) {
    const action = job.metadata.annotations?.[ANNOTATION_EXECUTOR_ACTION] ?? "";
    const phase = jobPhase(job);
    if (phase === "failed") {
      const conds = [...(job.status?.conditions ?? [])].sort((a, b) => Date.parse(a.lastTransitionTime ?? "") - Date.parse(b.lastTransitionTime ?? ""));
      const latest = conds[conds.length - 1];
      const state = action === "upgrade" ? State.UpgradeFailed : action === "uninstall" ? State.UninstallFailed : State.InstallFailed;
      setState(status, state, latest?.message ?? "", new Date(latest?.lastTransitionTime ?? job.metadata.creationTimestamp ?? 0));
    } else if (phase === "completed") {
      if (action === "uninstall" && !release) {
        const conds = job.status?.conditions ?? [];
        const at = conds.length > 0 ? conds[conds.length - 1].lastTransitionTime : job.metadata.creationTimestamp;
        setState(status, State.Uninstalled, "", new Date(at ?? 0));
      }
    } else {
      const state = action === "upgrade" ? State.Upgrading : action === "uninstall" ? State.Uninstalling : State.Installing;
      setState(status, state, "", new Date(job.metadata.creationTimestamp ?? 0));
    }
  }
  if (release) {
    const at = release.lastDeployed;
    switch (release.status) {
      case "failed":
        setState(status, release.revision > 1 ? State.UpgradeFailed : State.InstallFailed, release.description, at);
        break;
      case "deployed":
        status.version = release.chartVersion;
        status.releaseName = release.name;
        setState(status, release.revision > 1 ? State.Upgraded : State.Installed, release.description, at);
        break;
      case "pending-install": setState(status, State.Installing, "", at); break;
      case "pending-upgrade":
      case "pending-rollback": setState(status, State.Upgrading, "", at); break;
      case "uninstalling": setState(status, State.Uninstalling, "", at); break;
      case "uninstalled": setState(status, State.Uninstalled, "", at); break;
      default: break;
    }
  }
  return JSON.stringify(status) !== before;
}

/** `versionChanged` (`UT:275-301`): recorded version non-empty and different from the spec. */
export function versionChanged(status: InstallationStatus, specVersion: string): boolean {
  return !!status.version && status.version !== specVersion;
}

/** `configChanged`: recorded hash empty, or different from the hash of the effective config. */
export function configChanged(status: InstallationStatus, effectiveConfig: string): boolean {
  return !status.configHash || status.configHash !== fnv1a64Hex(effectiveConfig);
}

/** What the decision table (§2.5) says to do. */
export type Decision = "install" | "upgrade" | "none";

/** The decision table of §2.5 for one release (host or cluster entry). */
export function decide(state: string | undefined, changed: boolean): Decision {
  switch (state ?? "") {
    case State.Unknown: return "install";
    case State.InstallFailed: return changed ? "install" : "none";
    case State.Installed:
    case State.UpgradeFailed: return changed ? "upgrade" : "none";
    default: return "none";
  }
}

/** Target namespace of a plan: ExtensionVersion `spec.namespace` or `extension-<name>` (§2.3 step 6). */
export function targetNamespace(extensionName: string, evNamespace: string | undefined): string {
  return evNamespace ? evNamespace : `extension-${extensionName}`;
}

/** `IsSchedulable` (`CU:29-44`): not deleting, Ready=True, and no Schedulable=False (shared with the component). */
export const isSchedulable = isClusterSchedulable;

/**
 * Target cluster names of a plan (§2.9): non-empty `placement.clusters` (existing ones only)
 * wins over `clusterSelector`; an empty selector matches all; otherwise none. Throws when
 * `clusterScheduling` has no `placement` (the real controller dereferences nil and panics).
 */
export function targetClusters(plan: InstallPlan, clusters: Cluster[]): string[] {
  const scheduling = plan.spec.clusterScheduling;
  if (!scheduling) return [];
  const placement = scheduling.placement;
  if (!placement) {
    throw new Error("runtime error: invalid memory address or nil pointer dereference (spec.clusterScheduling.placement is nil)");
  }
  const existing = new Set(clusters.map((c) => c.metadata.name));
  if (placement.clusters && placement.clusters.length > 0) return placement.clusters.filter((c) => existing.has(c));
  if (placement.clusterSelector) {
    return clusters.filter((c) => matchesLabelSelector(placement.clusterSelector!, c.metadata.labels)).map((c) => c.metadata.name);
  }
  return [];
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (isMap(base) && isMap(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : v;
    return out;
  }
  return over;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseMap(text: string): Record<string, unknown> {
  try {
    const v = YAML.parse(text, { uniqueKeys: false });
    return isMap(v) ? v : {};
  } catch {
    return {};
  }
}

/**
 * Effective per-cluster config (§2.11). Without an override key for `cluster` it is `config`
 * itself. Otherwise both are trimmed; the empty cases short-cut; else both parse as maps, deep
 * merge (override wins) and re-serialise with sorted keys and 4-space indent, approximating
 * yaml.v3 `Marshal` (the hash of that text is therefore not guaranteed byte-equal to Go's).
 */
export function clusterConfig(config: string | undefined, overrides: Record<string, string> | undefined, cluster: string): string {
  const base = config ?? "";
  if (!overrides || !Object.prototype.hasOwnProperty.call(overrides, cluster)) return base;
  const c = base.trim();
  const o = (overrides[cluster] ?? "").trim();
  if (c === "" && o === "") return "";
  if (o === "") return c;
  if (c === "") return o;
  const merged = deepMerge(parseMap(c), parseMap(o));
  return YAML.stringify(merged, { indent: 4, sortMapEntries: true, lineWidth: 0 });
}
