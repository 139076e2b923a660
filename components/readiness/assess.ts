/**
 * Readiness of a KubeSphere InstallPlan as a pure function, in the style of Argo's gitops-engine
 * `pkg/health` and kstatus: the watch/poll code only feeds observed objects in; every decision about
 * what the status *means* is made here, from data, so it can be tested from fixtures.
 *
 * The rules are those of docs/readiness.md ("The rules"); § numbers refer to docs/kubesphere-behavior.md:
 *
 * 1. Deletion first (a plan being deleted will not become ready).
 * 2. "Is this status about my spec?": the stored spec must be the one we applied.
 * 3. Staleness: InstallPlan has no status subresource and no observedGeneration (§1.1, §6.8), so the
 *    only evidence that the controller has acted on the current spec is `status.version`,
 *    `status.configHash` and `status.enabled` (and per cluster, each entry's version and hash).
 * 4. Only then `status.state`.
 *
 * Nothing in this module does I/O or reads a clock; time comes in through {@link AssessContext.now}.
 */
import { fnv1a64Hex } from "../config/configHash";
import type { InstallationStatus, InstallPlan } from "../kubesphere/types";
import { InstallPlanState } from "../kubesphere/types";

/**
 * Readiness vocabulary, from best to worst (see {@link READINESS_ORDER}).
 *
 * * `Ready`: the controller has acted on exactly this spec and Helm reported success.
 * * `Progressing`: work is under way, or the controller has not reacted to the spec yet.
 * * `Unknown`: the status cannot be judged (plan missing, or its stored spec is not the one expected).
 * * `Stalled`: it will not make progress on its own (e.g. Job finished but the plan is stuck, §6.3).
 * * `Failed`: the controller reported a failure for exactly this spec; it will not retry by itself.
 */
export type ReadinessStatus = "Ready" | "Progressing" | "Unknown" | "Stalled" | "Failed";

/**
 * Order used by {@link isWorse}/{@link worst}, best first. Unlike gitops-engine (where `Unknown` is
 * the worst), a terminal `Failed` or `Stalled` outranks `Unknown` here: one failed cluster fails the
 * whole plan even while another cluster's status cannot be judged yet.
 */
export const READINESS_ORDER: readonly ReadinessStatus[] = ["Ready", "Progressing", "Unknown", "Stalled", "Failed"];

/** True when `candidate` is strictly worse than `current` (gitops-engine `IsWorse`). */
export function isWorse(current: ReadinessStatus, candidate: ReadinessStatus): boolean {
  return READINESS_ORDER.indexOf(candidate) > READINESS_ORDER.indexOf(current);
}

/** The worst of `statuses`; `Ready` for an empty list. */
export function worst(statuses: Iterable<ReadinessStatus>): ReadinessStatus {
  let result: ReadinessStatus = "Ready";
  for (const s of statuses) if (isWorse(result, s)) result = s;
  return result;
}

/** What one target cluster's agent entry must show once the controller has acted on the spec. */
export interface ExpectedClusterState {
  /**
   * Exact `configHash` the entry must reach. Omit both fields to expect the host hash (the rule for a
   * cluster without an override, §2.11).
   */
  configHash?: string;
  /**
   * For a cluster with an override whose effective values changed: the entry's hash as snapshotted
   * before applying; the entry is current once its hash is non-empty and differs from this value
   * (readiness rule 5: reproducing yaml.v3 output to compute the hash is impractical). Use `""` for a
   * cluster that had no entry before (first install): any recorded hash is then new.
   * Ignored when `configHash` is given.
   */
  mustDifferFrom?: string;
}

/** What the InstallPlan must show once the controller has acted on the applied spec. */
export interface ExpectedInstallPlan {
  /** `metadata.name` of the plan (by convention the extension name, §6.1). */
  name: string;
  /** `spec.extension.version` that was applied; `status.version` must equal it. */
  version: string;
  /** FNV-1a 64 hex of the stored (webhook-trimmed) `spec.config`; `status.configHash` must equal it. */
  configHash: string;
  /** `spec.enabled` that was applied; `(status.enabled ?? false)` must equal it. */
  enabled: boolean;
  /** Schedulable target clusters (readiness rule 5; missing/unschedulable ones are skipped, §2.9) and their expected hashes. */
  clusters?: Record<string, ExpectedClusterState>;
  /** Clusters that were targeted before and no longer are; ready once their entries are gone. */
  removedClusters?: string[];
}

/** What the caller knows about an executor Job (they run in the host, in `status.targetNamespace`). */
export interface JobObservation {
  /** Condition `Complete=True` (or `succeeded >= completions`). */
  complete: boolean;
  /** Condition `Failed=True` (backoffLimit is 0, so one failed pod). */
  failed: boolean;
  /**
   * When the Job was seen to finish, RFC 3339 or epoch ms. Pass the *observer's* clock time of first
   * seeing it finished (not the Job's `completionTime`) so that stall detection is immune to the very
   * clock skew it detects. When absent, a finished Job counts as finished long ago.
   */
  completionTime?: string | number;
  /**
   * The Job does not exist (deleted before it finished, e.g. by hand). `goneSince` is when the
   * observer first saw it missing (epoch ms or RFC 3339); absent = long ago.
   */
  gone?: boolean;
  /** See {@link gone}. */
  goneSince?: string | number;
}

/** Optional facts beyond the plan itself. */
export interface AssessContext {
  /** Executor Jobs by name; a Job missing from the map is "not known" (never "absent"). */
  jobs?: Record<string, JobObservation>;
  /** Current time in epoch ms, for the stall grace period. Without it, finished Jobs stall at once. */
  now?: number;
  /**
   * How long a finished Job may go unreflected in the plan before the plan counts as `Stalled`.
   * The controller normally reacts within a second (Job status and Helm release events both trigger a
   * reconcile, §2.3). Defaults to {@link DEFAULT_STALL_GRACE_MS}.
   */
  stallGraceMs?: number;
  /** Grace for a missing executor Job (see {@link DEFAULT_JOB_GONE_GRACE_MS}). */
  jobGoneGraceMs?: number;
}

/**
 * How long an executor Job may be missing while the scope is still Installing/Upgrading before the
 * scope counts as `Stalled`: the controller reacts to a Job's deletion within about a second (a
 * missing Job is "no job", and only the Helm release decides then), and the grace also absorbs the
 * lag between the plan's and the Job's watch streams. 2 s.
 */
export const DEFAULT_JOB_GONE_GRACE_MS = 2_000;

/** Default for {@link AssessContext.stallGraceMs}: 30 s. */
export const DEFAULT_STALL_GRACE_MS = 30_000;

/** Readiness of one scope (the host release, or one cluster's agent). */
export interface ScopeReadiness {
  /** Readiness of this scope. */
  status: ReadinessStatus;
  /** `state` as stored (`""` when absent). */
  state: string;
  /** Human-readable explanation, naming the fields that decided it. */
  message: string;
  /** Executor Job of this scope (`jobName` of the host status or the cluster entry), if any. */
  jobName?: string;
  /**
   * True when the status is current and `Installed` but its executor Job has not completed yet:
   * normal for a moment (Helm writes the release before the pod exits and the Job controller marks
   * the Job Complete), or the early-Installed skew of §6.3. Waiters re-check the Job soon.
   */
  waitingForJob?: boolean;
}

/** Result of {@link assessInstallPlan} / {@link assessInstallPlanDeletion}. */
export interface InstallPlanAssessment {
  /** Overall readiness: the worst of the host and every cluster. */
  status: ReadinessStatus;
  /** Message of the scope that decided `status` (prefixed with the cluster name for clusters). */
  message: string;
  /** Plan name, for progress lines. */
  name: string;
  /** Host `status.state` (`""` when absent or when the plan is missing). */
  hostState: string;
  /** Host readiness. */
  host: ScopeReadiness;
  /** Per-cluster readiness: every expected cluster and every removed cluster still present. */
  clusters: Record<string, ScopeReadiness>;
  /** Which scope decided `status`: `undefined` for the host, else the cluster name. */
  decidedBy?: string;
  /**
   * Message of a failure that happened before a Job was created (chart download, Repository missing,
   * RBAC, §6.4). The controller retries those by itself, so they do not fail the wait, but they are
   * the likely cause if it times out.
   */
  preJobFailure?: string;
  /**
   * Set when the live plan's spec is not the applied one (another writer changed it): one entry per
   * differing field, naming the live and the applied value.
   */
  specChanged?: string[];
}

const S = InstallPlanState;

/** How the controller words failures it hits itself, before any Job exists (§2.2, §2.5). */
const CONTROLLER_FAILURE = /^failed to (install|upgrade) extension:/i;

function stateOf(s: InstallationStatus | undefined): string {
  return s?.state ?? "";
}

/** `conditions[0].message`: the controller puts the newest condition first (§2.2). */
export function latestConditionMessage(s: InstallationStatus | undefined): string {
  const c = s?.conditions?.[0];
  if (!c) return "(no condition recorded)";
  return c.message && c.message.trim() !== "" ? c.message : `(condition ${c.type}=${c.status}, reason ${c.reason}, no message)`;
}

function toMs(t: string | number | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = typeof t === "number" ? t : Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Why a finished Job plus an in-progress state means "stuck", with what to do about it. */
function stallMessage(state: string, jobName: string, job: JobObservation, scope: string): string {
  if (job.failed) {
    return `executor Job ${jobName} failed but the ${scope} is still ${state}: the controller did not map the ` +
      `Job's failure to the plan. It maps Job events to the InstallPlan named after the extension ` +
      `(see docs/kubesphere-behavior.md §6.1); check that metadata.name equals spec.extension.name`;
  }
  return `executor Job ${jobName} completed but the ${scope} is still ${state}: this is the clock-skew stall ` +
    `of docs/kubesphere-behavior.md §6.3. Helm's last_deployed comes from the Job pod's node clock; when that clock is behind the ` +
    `ks-controller-manager's, the controller discards the success transition as "older than the last history ` +
    `entry" and the plan stays ${state} for ever. Fix time sync (NTP/chrony) on the node that ran the Job ` +
    `(kubectl get pods -n <targetNamespace> -l job-name=${jobName} -o wide), then re-trigger the install`;
}

/** Stall check shared by the host and the clusters: in-progress state whose Job already finished. */
function stalled(state: string, jobName: string | undefined, ctx: AssessContext, scope: string): string | undefined {
  if (state !== S.Installing && state !== S.Upgrading) return undefined;
  if (!jobName) return undefined;
  const job = ctx.jobs?.[jobName];
  if (job?.gone) {
    const since = toMs(job.goneSince);
    const grace = ctx.jobGoneGraceMs ?? DEFAULT_JOB_GONE_GRACE_MS;
    if (since !== undefined && ctx.now !== undefined && ctx.now - since < grace) return undefined;
    return `executor Job ${jobName} no longer exists while the ${scope} is still ${state}: it was deleted before it ` +
      `finished (by hand, or with its namespace). The controller treats a missing Job as "no job" and only the Helm ` +
      `release decides now (docs/readiness.md), so the ${scope} stays ${state} unless the release completes. ` +
      `Check the release (helm status -n <targetNamespace> <release>), then re-trigger the install by raising \`retry\``;
  }
  if (!job || (!job.complete && !job.failed)) return undefined;
  const finishedAt = toMs(job.completionTime);
  const grace = ctx.stallGraceMs ?? DEFAULT_STALL_GRACE_MS;
  if (finishedAt !== undefined && ctx.now !== undefined && ctx.now - finishedAt < grace) return undefined;
  return stallMessage(state, jobName, job, scope);
}

/** How a status entry's `configHash` is checked. */
type HashRule = { equals: string } | { differsFrom: string };

function hashMatches(actual: string | undefined, rule: HashRule): boolean {
  if ("equals" in rule) return actual === rule.equals;
  return actual !== undefined && actual !== "" && actual !== rule.differsFrom;
}

function describeRule(rule: HashRule): string {
  return "equals" in rule ? rule.equals : `a new hash (anything but "${rule.differsFrom}")`;
}

/**
 * The shared decision for one InstallationStatus (host or cluster entry) against the applied spec.
 * `scope` is "plan" for the host and "agent on <cluster>" for a cluster, for messages.
 */
function assessInstallation(
  s: InstallationStatus | undefined,
  version: string,
  rule: HashRule,
  ctx: AssessContext,
  scope: string,
): ScopeReadiness & { preJobFailure?: string } {
  const state = stateOf(s);
  const jobName = s?.jobName || undefined;
  const versionOk = s?.version === version;
  const hashOk = hashMatches(s?.configHash, rule);
  const base = { state, jobName };

  switch (state) {
    case S.Installed: {
      if (!versionOk) {
        return { ...base, status: "Progressing", message: `status.version is ${JSON.stringify(s?.version ?? "")} but ${version} was applied: the controller has not acted on the new version yet (state Installed belongs to the previous spec)` };
      }
      if (!hashOk) {
        return { ...base, status: "Progressing", message: `status.configHash is ${JSON.stringify(s?.configHash ?? "")} but the applied config needs ${describeRule(rule)}: the controller has not acted on the new config yet (state Installed belongs to the previous config)` };
      }
      const job = jobName ? ctx.jobs?.[jobName] : undefined;
      if (job && !job.gone && !job.complete) {
        // §6.3, opposite skew: a later change's Preparing/Upgrading were discarded, so the status shows
        // Installed with the new version and hash while the new Job is still running.
        return { ...base, status: "Progressing", waitingForJob: true, message: `status says Installed ${version}, but its executor Job ${jobName} has not completed yet (${job.failed ? "it failed; expecting UpgradeFailed shortly" : "still running"}); not trusting the status until it has (see docs/kubesphere-behavior.md §6.3)` };
      }
      return { ...base, status: "Ready", message: `Installed ${version}` };
    }
    case S.InstallFailed:
    case S.UpgradeFailed: {
      const cause = latestConditionMessage(s);
      if (versionOk && hashOk) {
        return { ...base, status: "Failed", message: `${state}: ${cause}` };
      }
      // Version or hash is not the applied one. Either the failure happened before a Job (chart
      // download, Repository, RBAC: configHash/version keep their old values and the controller
      // retries, §6.4), worded by the controller as "Failed to install/upgrade extension: ...", or it
      // is the previous spec's failure (e.g. right after setting `retry`) that the controller has
      // not replaced yet.
      if (CONTROLLER_FAILURE.test(cause)) {
        const preJob = `${state} before an executor Job was created (the controller keeps retrying on its own): ${cause}`;
        return { ...base, status: "Progressing", message: preJob, preJobFailure: cause };
      }
      return { ...base, status: "Progressing", message: `the ${state} shown belongs to the previous spec (status.version ${JSON.stringify(s?.version ?? "")}, configHash ${JSON.stringify(s?.configHash ?? "")}): ${cause}; waiting for the controller to act on the applied spec` };
    }
    case S.Installing:
    case S.Upgrading: {
      const stall = stalled(state, jobName, ctx, scope);
      if (stall) return { ...base, status: "Stalled", message: stall };
      return { ...base, status: "Progressing", message: jobName ? `${state} (executor Job ${jobName})` : state };
    }
    case S.Preparing:
      return { ...base, status: "Progressing", message: "Preparing (the controller is loading the chart and setting up namespace and RBAC)" };
    case S.Unknown:
      return { ...base, status: "Progressing", message: "no state yet: waiting for the controller to pick up the plan" };
    case S.Uninstalling:
    case S.Uninstalled:
      return { ...base, status: "Progressing", message: `${state} (an uninstall is in progress)` };
    case S.UninstallFailed:
      return { ...base, status: "Failed", message: `UninstallFailed: ${latestConditionMessage(s)}` };
    default:
      return { ...base, status: "Unknown", message: `unrecognised state ${JSON.stringify(state)}` };
  }
}

/** The hash rule for cluster `c` (readiness rule 5: host hash without an override, snapshot rule with one). */
function clusterHashRule(expected: ExpectedInstallPlan, c: string): HashRule {
  const e = expected.clusters?.[c] ?? {};
  if (e.configHash !== undefined) return { equals: e.configHash };
  if (e.mustDifferFrom !== undefined) return { differsFrom: e.mustDifferFrom };
  return { equals: expected.configHash };
}

function missingPlan(name: string): InstallPlanAssessment {
  const host: ScopeReadiness = { status: "Unknown", state: "", message: `InstallPlan ${name} not found` };
  return { status: "Unknown", message: host.message, name, hostState: "", host, clusters: {} };
}

/** Combines host and cluster readiness; the first worst scope (host before clusters) decides the message. */
function combine(name: string, host: ScopeReadiness, clusters: Record<string, ScopeReadiness>, preJobFailure?: string): InstallPlanAssessment {
  let status = host.status;
  let message = host.message;
  let decidedBy: string | undefined;
  for (const [c, r] of Object.entries(clusters)) {
    if (isWorse(status, r.status)) {
      status = r.status;
      message = `cluster ${c}: ${r.message}`;
      decidedBy = c;
    }
  }
  const result: InstallPlanAssessment = { status, message, name, hostState: host.state, host, clusters };
  if (decidedBy !== undefined) result.decidedBy = decidedBy;
  if (preJobFailure !== undefined) result.preJobFailure = preJobFailure;
  return result;
}

/**
 * Is the InstallPlan ready for the spec that was applied? See the module comment for the order of
 * checks. `observed` is the live object (`undefined` when it does not exist).
 *
 * @example
 * const a = assessInstallPlan(plan, { name: "devops", version: "1.2.0", configHash: fnv1a64Hex(cfg), enabled: true });
 * if (a.status === "Failed") throw new Error(a.message);
 */
export function assessInstallPlan(
  observed: InstallPlan | undefined,
  expected: ExpectedInstallPlan,
  ctx: AssessContext = {},
): InstallPlanAssessment {
  const name = expected.name;
  if (!observed) return missingPlan(name);
  const st = observed.status;

  // 1. Deletion.
  if (observed.metadata.deletionTimestamp) {
    const d = assessInstallPlanDeletion(observed, ctx);
    const why = d.status === "Failed" || d.status === "Stalled" ? d.message : `state ${JSON.stringify(stateOf(st))}`;
    const host: ScopeReadiness = {
      status: "Failed", state: stateOf(st),
      message: `InstallPlan ${name} is being deleted (deletionTimestamp ${observed.metadata.deletionTimestamp}) while waiting for it to become ready; something else deleted it (${why})`,
    };
    return { status: "Failed", message: host.message, name, hostState: host.state, host, clusters: {} };
  }

  // 2. Is the stored spec the one we applied?
  const specProblems: string[] = [];
  const specVersion = observed.spec?.extension?.version;
  if (specVersion !== expected.version) specProblems.push(`spec.extension.version is ${JSON.stringify(specVersion)}, expected ${expected.version}`);
  const storedHash = fnv1a64Hex(observed.spec?.config ?? "");
  if (storedHash !== expected.configHash) {
    specProblems.push(`the stored spec.config hashes to ${storedHash}, expected ${expected.configHash} (another writer changed it, or the admission webhook's trim differs from ours)`);
  }
  if ((observed.spec?.enabled ?? false) !== expected.enabled) specProblems.push(`spec.enabled is ${String(observed.spec?.enabled)}, expected ${String(expected.enabled)}`);
  if (specProblems.length > 0) {
    const host: ScopeReadiness = { status: "Unknown", state: stateOf(st), message: `the live InstallPlan is not the applied spec: ${specProblems.join("; ")}` };
    return { status: "Unknown", message: host.message, name, hostState: host.state, host, clusters: {}, specChanged: specProblems };
  }

  // 3 + 4. Host staleness and state.
  const hostResult = assessInstallation(st, expected.version, { equals: expected.configHash }, ctx, "plan");
  let { preJobFailure } = hostResult;
  const host: ScopeReadiness = { status: hostResult.status, state: hostResult.state, message: hostResult.message };
  if (hostResult.jobName) host.jobName = hostResult.jobName;
  if (hostResult.waitingForJob) host.waitingForJob = true;
  if (host.status === "Ready" && (st?.enabled ?? false) !== expected.enabled) {
    host.status = "Progressing";
    host.message = `Installed ${expected.version}, waiting for the controller to copy spec.enabled=${String(expected.enabled)} to status.enabled (it does so right after Installed, see docs/kubesphere-behavior.md §2.5)`;
  }

  // Clusters.
  const clusters: Record<string, ScopeReadiness> = {};
  const entries = st?.clusterSchedulingStatuses ?? {};
  for (const c of Object.keys(expected.clusters ?? {}).sort()) {
    const entry = entries[c];
    if (!entry) {
      clusters[c] = {
        status: "Progressing", state: "",
        message: host.state === S.Installed
          ? "no agent entry yet: waiting for the controller to schedule the agent"
          : "waiting for the host to be Installed (agents are scheduled only after it, see docs/kubesphere-behavior.md §2.9)",
      };
      continue;
    }
    const r = assessInstallation(entry, expected.version, clusterHashRule(expected, c), ctx, `agent on ${c}`);
    if (r.preJobFailure && preJobFailure === undefined) preJobFailure = `cluster ${c}: ${r.preJobFailure}`;
    const cr: ScopeReadiness = { status: r.status, state: r.state, message: r.message };
    if (r.jobName) cr.jobName = r.jobName;
    if (r.waitingForJob) cr.waitingForJob = true;
    clusters[c] = cr;
  }
  for (const c of [...(expected.removedClusters ?? [])].sort()) {
    const entry = entries[c];
    if (!entry || c in clusters) continue;
    const state = stateOf(entry);
    const cr: ScopeReadiness = state === S.UninstallFailed
      ? { status: "Failed", state, message: `agent uninstall failed: ${latestConditionMessage(entry)}` }
      : { status: "Progressing", state, message: `no longer targeted; waiting for the agent to be uninstalled and its entry removed (state ${JSON.stringify(state)})` };
    if (entry.jobName) cr.jobName = entry.jobName;
    clusters[c] = cr;
  }
  return combine(name, host, clusters, preJobFailure);
}

/** Optional facts for {@link assessInstallPlanDeletion}. */
export interface DeletionContext extends AssessContext {
  /**
   * Whether ExtensionVersion `<spec.extension.name>-<spec.extension.version>` exists. `false` means
   * the controller ignores the plan and the deletion hangs for ever (§5 step 2).
   */
  extensionVersionExists?: boolean;
}

/**
 * Progress of deleting an InstallPlan: `Ready` once it is gone (§5). `Failed` for
 * `UninstallFailed` (host or a cluster agent), `Stalled` when the ExtensionVersion is missing so the
 * controller will never process the deletion.
 */
export function assessInstallPlanDeletion(observed: InstallPlan | undefined, ctx: DeletionContext = {}): InstallPlanAssessment {
  if (!observed) {
    const host: ScopeReadiness = { status: "Ready", state: "", message: "InstallPlan deleted" };
    return { status: "Ready", message: host.message, name: "", hostState: "", host, clusters: {} };
  }
  const name = observed.metadata.name;
  const st = observed.status;
  const state = stateOf(st);
  const ev = `${observed.spec?.extension?.name}-${observed.spec?.extension?.version}`;
  const hostOf = (status: ReadinessStatus, message: string): ScopeReadiness => {
    const h: ScopeReadiness = { status, state, message };
    if (st?.jobName) h.jobName = st.jobName;
    return h;
  };
  if (!observed.metadata.deletionTimestamp) {
    const host = hostOf("Progressing", `deletion not yet visible on InstallPlan ${name} (no deletionTimestamp)`);
    return combine(name, host, {});
  }
  if (ctx.extensionVersionExists === false) {
    const host = hostOf("Stalled",
      `ExtensionVersion ${ev} does not exist, so the InstallPlan controller ignores this plan and its deletion hangs ` +
      `for ever (see docs/kubesphere-behavior.md §5 step 2). Re-create the ExtensionVersion (e.g. re-sync its Repository) so the uninstall can run, ` +
      `or, accepting that the Helm release stays behind, remove the finalizer: ` +
      `kubectl patch installplan ${name} --type=merge -p '{"metadata":{"finalizers":null}}'`);
    return combine(name, host, {});
  }
  const clusters: Record<string, ScopeReadiness> = {};
  for (const [c, entry] of Object.entries(st?.clusterSchedulingStatuses ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const cs = stateOf(entry);
    const cr: ScopeReadiness = cs === S.UninstallFailed
      ? { status: "Failed", state: cs, message: `agent uninstall failed: ${latestConditionMessage(entry)}. Agents are uninstalled before the host, so the deletion hangs; fix the cluster by hand (the force-delete annotation only covers the host release)` }
      : { status: "Progressing", state: cs, message: `uninstalling the agent (state ${JSON.stringify(cs)}); an unreachable cluster makes this retry for ever` };
    if (entry.jobName) cr.jobName = entry.jobName;
    clusters[c] = cr;
  }
  let host: ScopeReadiness;
  if (state === S.UninstallFailed) {
    host = hostOf("Failed", `UninstallFailed: ${latestConditionMessage(st)}. The controller does not retry; the deletion hangs until ` +
      `the annotation kubesphere.io/force-delete is added (kubectl annotate installplan ${name} kubesphere.io/force-delete=true), ` +
      `which runs helm uninstall without hooks`);
  } else if (Object.keys(clusters).length > 0) {
    host = hostOf("Progressing", `waiting for ${Object.keys(clusters).length} cluster agent(s) to be uninstalled before the host release`);
  } else {
    host = hostOf("Progressing", state === S.Uninstalling && st?.jobName ? `Uninstalling (executor Job ${st.jobName})` : `being deleted (state ${JSON.stringify(state)})`);
  }
  return combine(name, host, clusters);
}

/**
 * A one-line progress report of what changed between two assessments, e.g.
 * `devops: Installing → Installed (host), member1: Installing`. Clusters are listed when their state
 * changed or when they are not Ready yet. Returns `undefined` when nothing visible changed.
 */
export function describeTransition(prev: InstallPlanAssessment | undefined, next: InstallPlanAssessment): string | undefined {
  const show = (s: string) => (s === "" ? "(none)" : s);
  const parts: string[] = [];
  let changed = prev === undefined || prev.status !== next.status;
  const prevHost = prev?.hostState;
  if (prev !== undefined && prevHost !== next.hostState) {
    parts.push(`${next.name}: ${show(prevHost ?? "")} → ${show(next.hostState)} (host)`);
    changed = true;
  } else {
    parts.push(`${next.name}: ${show(next.hostState)} (host)`);
  }
  const names = new Set([...Object.keys(prev?.clusters ?? {}), ...Object.keys(next.clusters)]);
  for (const c of [...names].sort()) {
    const before = prev?.clusters[c]?.state;
    const after = next.clusters[c]?.state;
    if (after === undefined) {
      parts.push(`${c}: ${show(before ?? "")} → removed`);
      changed = true;
    } else if (before !== undefined && before !== after) {
      parts.push(`${c}: ${show(before)} → ${show(after)}`);
      changed = true;
    } else {
      if (before === undefined && prev !== undefined) changed = true;
      if (next.clusters[c].status !== "Ready") parts.push(`${c}: ${show(after)}`);
    }
  }
  return changed ? parts.join(", ") : undefined;
}
