/**
 * The runbook's troubleshooting in one pure function: from the InstallPlan, the Extension, whether
 * the ExtensionVersion exists, the Clusters and the executor Jobs, decide what is wrong and what to do
 * (docs/readiness.md). Every readiness decision — the overall verdict and each scope's (host, cluster)
 * failed / stalled / pre-Job-failure / Job-gone call, with its text — is the one `assessInstallPlan`
 * makes for the component's waiter (`components/readiness/assess.ts`); the findings only add the
 * evidence, the causes and the fixes around those verdicts. No I/O here.
 */
import { fnv1a64Hex } from "../components/config/configHash";
import { targetClusters } from "../components/kubesphere/clusters";
import type { Cluster, Condition, Extension, InstallationStatus, InstallPlan, StateHistoryEntry } from "../components/kubesphere/types";
import { ANNOTATION_FORCE_DELETE, InstallPlanState as S } from "../components/kubesphere/types";
import {
  assessInstallPlan, assessInstallPlanDeletion, ExpectedClusterState, InstallPlanAssessment,
  JobObservation, ReadinessStatus, ScopeReadiness,
} from "../components/readiness/assess";
import type { JobInfo, PodInfo } from "./context";

/** How serious a finding is. `error` findings make `diagnose` exit 1. */
export type Severity = "error" | "warning" | "info";

/** One thing found, with the fix. */
export interface Finding {
  /** `error`: it will not get better by itself; `warning`: likely trouble; `info`: context. */
  severity: Severity;
  /** Where: `host`, `cluster <name>`, or `plan`. */
  scope: string;
  /** One line. */
  title: string;
  /** What the evidence is and why it matters (with the docs/kubesphere-behavior.md section). */
  detail: string;
  /** What to do, as concrete commands where possible. */
  hint?: string;
}

/** A pod of an executor Job with the tail of its log. */
export interface PodLogs extends PodInfo {
  /** Log tails by container; a string starting with `(` explains why there is none. */
  logs: Array<{ container: string; text: string }>;
}

/** What was learned about one executor Job. */
export interface JobEvidence {
  /** The Job, `undefined` when it does not exist (cleaned up by its TTL, or garbage-collected). */
  info?: JobInfo;
  /** Why it could not be read (RBAC, ...), when it could not. */
  error?: string;
  /** Its pods and their log tails. */
  pods: PodLogs[];
}

/** Everything `diagnose` looked at. */
export interface DiagnosisInput {
  /** The extension asked about. */
  name: string;
  /** The InstallPlan named after it (or the only plan for it under another name). */
  plan?: InstallPlan;
  /** Other InstallPlans whose `spec.extension.name` is this extension. */
  otherPlans: InstallPlan[];
  /** The Extension object, if any. */
  extension?: Extension;
  /** Whether ExtensionVersion `<spec.extension.name>-<spec.extension.version>` exists. */
  extensionVersionExists: boolean;
  /** Versions of the extension that exist, ascending. */
  availableVersions: string[];
  /** Cluster objects (for which clusters the placement targets). */
  clusters: Cluster[];
  /** Executor Jobs by name (host and cluster `jobName`s); a name that is absent was not read (offline). */
  jobs: Record<string, JobEvidence>;
  /** `true` when facts come from an offline catalog (no Jobs, no logs). */
  offline: boolean;
  /** Current time in epoch ms (for the clock-skew grace period). */
  now: number;
}

/** One cluster's agent status as shown. */
export interface ClusterRow {
  /** Cluster name. */
  name: string;
  /** Whether the placement targets it now (`false`: a stale entry being removed). */
  targeted: boolean;
  /** Entry `state` (`""` when no entry yet). */
  state: string;
  /** Entry `version`. */
  version?: string;
  /** Entry `configHash`. */
  configHash?: string;
  /** Entry `jobName`. */
  jobName?: string;
  /** Readiness of this cluster. */
  readiness: ReadinessStatus;
  /** Why. */
  message: string;
}

/** The result of {@link diagnose}. */
export interface Diagnosis {
  /** The extension. */
  extension: string;
  /** Overall readiness, or `NotInstalled` when there is no InstallPlan. */
  verdict: ReadinessStatus | "NotInstalled";
  /** One line: the most severe finding's title (else the assessment's message). */
  summary: string;
  /** The readiness assessment's own message (the one the component's waiter reports). */
  assessment: string;
  /** The plan's essentials, when there is one. */
  plan?: {
    name: string;
    extension: string;
    specVersion: string;
    enabled: boolean;
    state: string;
    statusVersion?: string;
    configHash?: string;
    expectedConfigHash: string;
    targetNamespace?: string;
    jobName?: string;
    deletionTimestamp?: string;
    forceDelete: boolean;
  };
  /** `status.conditions` as stored: `conditions[0]` is the newest (docs/kubesphere-behavior.md §2.2). */
  conditions: Condition[];
  /** `status.stateHistory`, oldest first. */
  stateHistory: StateHistoryEntry[];
  /** Per-cluster agent statuses. */
  clusters: ClusterRow[];
  /** Executor Jobs with pods and log tails. */
  jobs: Array<{ scope: string; name: string; namespace?: string } & JobEvidence>;
  /** What was found, most severe first. */
  findings: Finding[];
}

const SEVERITY_ORDER: Severity[] = ["error", "warning", "info"];

function toMs(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

function cond0(s: InstallationStatus | undefined): string {
  const c = s?.conditions?.[0];
  if (!c) return "(no condition recorded)";
  return c.message?.trim() ? c.message : `${c.type}=${c.status} (${c.reason})`;
}

/**
 * Findings about one scope (host or a cluster entry): the readiness verdict `r` of that scope, as
 * `assessInstallPlan`/`assessInstallPlanDeletion` made it, becomes the finding's severity and title;
 * the Job/pod evidence and the runbook add detail and hints.
 */
function scopeFindings(
  scope: string, s: InstallationStatus | undefined, r: ScopeReadiness | undefined, planName: string, input: DiagnosisInput, deleting: boolean,
): Finding[] {
  const out: Finding[] = [];
  const state = s?.state ?? "";
  const jobName = s?.jobName || undefined;
  const evidence = jobName ? input.jobs[jobName] : undefined;
  const job = evidence?.info;
  const logsHint = jobName && s?.targetNamespace
    ? `kubectl logs -n ${s.targetNamespace} -l job-name=${jobName} --tail=100`
    : undefined;
  const isHost = scope === "host";
  const retryHint = "fix the cause (see the Job log), then change the config or raise `retry` on the component " +
    "(`kubesphere-ext plan <name>@<version> --retry N` shows the plan); with kubectl, add a comment line to spec.config";
  const verdict = r?.status;
  const title = r?.message ?? `state ${state}`;

  if (evidence?.error && (state === S.Installing || state === S.Upgrading || state === S.Uninstalling)) {
    out.push({ severity: "warning", scope, title: `cannot read executor Job ${jobName}`, detail: evidence.error });
  }
  if (verdict === "Failed" || verdict === "Stalled") {
    if (state === S.InstallFailed || state === S.UpgradeFailed) {
      out.push({
        severity: "error", scope, title,
        detail: "conditions[0] (the newest condition) carries the cause. A failure inside the helm Job records the new " +
          "version and configHash, so KubeSphere does not retry the same spec, ever (see docs/kubesphere-behavior.md §6.4). There is no `Failed` " +
          "state; InstallFailed/UpgradeFailed are the failure states.",
        hint: `${logsHint ? `${logsHint}; ` : ""}${retryHint}`,
      });
    } else if (state === S.UninstallFailed) {
      out.push({
        severity: "error", scope, title,
        detail: isHost
          ? "The uninstall Job failed and the controller does not retry; the InstallPlan stays Terminating (see docs/kubesphere-behavior.md §5 step 9)."
          : "The agent uninstall failed. Agents are uninstalled before the host, so the deletion hangs; the force-delete " +
            "annotation only covers the host release (see docs/kubesphere-behavior.md §5).",
        hint: isHost
          ? `kubectl annotate installplan ${planName} ${ANNOTATION_FORCE_DELETE}=true  (runs helm uninstall without hooks; ` +
            "resources the chart created outside Helm stay behind)"
          : `fix the agent release on ${scope.replace(/^cluster /, "")} by hand (helm uninstall ${s?.releaseName ?? "<ext>-agent"} -n ${s?.targetNamespace ?? "<ns>"})`,
      });
    } else if (jobName && evidence && !job) {
      out.push({
        severity: "error", scope, title,
        detail: "A missing Job counts as \"no job\" for the controller (see docs/kubesphere-behavior.md §2.4); only the Helm release decides now. " +
          "It may have been cleaned up by ttlSecondsAfterFinished or deleted by hand.",
        hint: `helm status ${s?.releaseName ?? input.name} -n ${s?.targetNamespace ?? "<ns>"}`,
      });
    } else if (job?.failed) {
      out.push({
        severity: "error", scope, title,
        detail: `${planName !== input.name ? `This plan is named ${planName}, not ${input.name}. ` : ""}Job failure: ${job.failureMessage ?? "(no message)"}.`,
        hint: logsHint,
      });
    } else {
      const pod = evidence?.pods[0];
      out.push({
        severity: "error", scope, title,
        detail: `Job ${jobName ?? ""} completed${job?.finishedTime ? ` at ${job.finishedTime}` : ""}${pod?.nodeName ? ` on node ${pod.nodeName}` : ""}.`,
        hint: `fix time sync (NTP/chrony) on ${pod?.nodeName ? `node ${pod.nodeName}` : "the node that ran the Job"} and compare its clock with ` +
          "ks-controller-manager's node; then re-trigger the install by raising `retry` on the component (or changing the config)",
      });
    }
    return out;
  }
  if ((state === S.InstallFailed || state === S.UpgradeFailed) && verdict === "Progressing") {
    // The readiness rule: version/hash are not the applied ones, so the failure happened before a Job
    // (the controller retries) or belongs to the previous spec.
    const preJob = /before an executor Job was created/.test(title);
    out.push({
      severity: "warning", scope, title: preJob ? `${state} before an executor Job was created: ${cond0(s)}` : title,
      detail: preJob
        ? "version/configHash still hold the previous values, so the controller keeps retrying by itself (chart " +
          "download, missing Repository, RBAC or namespace setup failed, see docs/kubesphere-behavior.md §6.4). It will not settle until the cause is fixed."
        : "The controller has not acted on the applied spec yet.",
      hint: preJob ? "check the Repository named by the ExtensionVersion and ks-controller-manager's log" : undefined,
    });
  }
  if ((state === S.Installing || state === S.Upgrading) && evidence && job && !evidence.error) {
    if (job.complete || job.failed) {
      const finished = toMs(job.finishedTime);
      out.push({ severity: "info", scope, title: `Job ${jobName} finished${finished !== undefined ? ` ${Math.round((input.now - finished) / 1000)}s ago` : ""}`,
        detail: "The controller normally reacts within a second; check again shortly." });
    } else {
      const pending = evidence.pods.find((p) => p.phase === "Pending");
      if (pending) {
        out.push({
          severity: "warning", scope, title: `executor pod ${pending.name} is Pending`,
          detail: "Executor Jobs have no activeDeadlineSeconds: a pod that never schedules or never pulls its image leaves " +
            `the plan ${state} for ever (see docs/kubesphere-behavior.md §2.10).`,
          hint: `kubectl describe pod -n ${s?.targetNamespace ?? "<ns>"} ${pending.name}`,
        });
      } else if (evidence.pods.length === 0) {
        out.push({ severity: "info", scope, title: `Job ${jobName} has no pods (yet)`,
          detail: `No pod labelled job-name=${jobName} in ${s?.targetNamespace ?? "the target namespace"}.` });
      }
    }
  }
  if (isHost && state === "" && !deleting && input.extensionVersionExists) {
    out.push({
      severity: "info", scope, title: "no status yet",
      detail: "The controller has not written a status: it is about to pick the plan up" +
        (planName !== input.name ? `, or it never will be woken properly because the plan is not named after the extension (see docs/kubesphere-behavior.md §6.1)` : "") + ".",
    });
  }
  return out;
}

/** Diagnoses one extension. Pure: everything it needs is in `input`. */
export function diagnose(input: DiagnosisInput): Diagnosis {
  const findings: Finding[] = [];
  const plan = input.plan;
  if (!plan) {
    const state = input.extension?.status?.state;
    findings.push({
      severity: "error", scope: "plan", title: `no InstallPlan for ${input.name}`,
      detail: input.extension
        ? `Extension ${input.name} exists${state ? ` (status.state ${state}, which is stale without a plan)` : ""}, but nothing installs it.`
        : `There is no Extension ${input.name} either${input.availableVersions.length === 0 ? " and no ExtensionVersion: check the name with `kubesphere-ext catalog`" : ""}.`,
      hint: input.availableVersions.length > 0
        ? `kubesphere-ext plan ${input.name}@${input.availableVersions[input.availableVersions.length - 1]} shows the plan the component would write`
        : undefined,
    });
    return {
      extension: input.name, verdict: "NotInstalled", summary: `${input.name} is not installed: no InstallPlan exists`,
      assessment: `InstallPlan ${input.name} not found`,
      conditions: [], stateHistory: [], clusters: [], jobs: [], findings,
    };
  }

  const st = plan.status;
  const ext = plan.spec?.extension?.name ?? input.name;
  const specVersion = plan.spec?.extension?.version ?? "";
  const expectedHash = fnv1a64Hex(plan.spec?.config ?? "");
  const deleting = plan.metadata.deletionTimestamp !== undefined;
  const ev = `${ext}-${specVersion}`;

  if (plan.metadata.name !== ext) {
    findings.push({
      severity: "warning", scope: "plan", title: `the InstallPlan is named ${plan.metadata.name}, not ${ext}`,
      detail: "The controller maps Job and Helm-release events to the plan named after the extension, so this plan is not " +
        "woken when its Job finishes and can sit in Installing until the 10h resync (see docs/kubesphere-behavior.md §6.1).",
      hint: `re-create it as InstallPlan ${ext}`,
    });
  }
  for (const other of input.otherPlans) {
    findings.push({
      severity: "error", scope: "plan", title: `InstallPlan ${other.metadata.name} also manages ${ext}`,
      detail: "Two plans for one extension fight over the same Helm release and Extension status (see docs/kubesphere-behavior.md §6.1).",
      hint: `delete one of them (kubectl delete installplan ${other.metadata.name})`,
    });
  }
  if (!input.extensionVersionExists) {
    const versions = input.availableVersions.length > 0 ? `versions that exist: ${input.availableVersions.join(", ")}` : `no version of ${ext} exists at all`;
    findings.push(deleting
      ? {
        severity: "error", scope: "plan", title: `ExtensionVersion ${ev} is missing, so the deletion hangs (Terminating for ever)`,
        detail: "The controller looks up the ExtensionVersion before anything else and returns silently when it is missing, " +
          `so it never processes the deletion (see docs/kubesphere-behavior.md §3.3, §5 step 2). ${versions}.`,
        hint: "re-create the ExtensionVersion (re-sync its Repository) so the uninstall can run, or, accepting that the Helm " +
          `release stays behind: kubectl patch installplan ${plan.metadata.name} --type=merge -p '{"metadata":{"finalizers":null}}'`,
      }
      : {
        severity: "error", scope: "plan", title: `ExtensionVersion ${ev} is missing: the plan is a silent no-op`,
        detail: "The controller ignores the plan: no status write, no condition, no requeue" +
          (st?.state === S.Installed ? `; the extension stays Installed on ${st.version ?? "the old version"}` : "") +
          `. Creating the ExtensionVersion later does not re-trigger the plan either (see docs/kubesphere-behavior.md §3.3). ${versions}.`,
        hint: `set the version to one that exists (kubesphere-ext versions ${ext}); if the version should exist, re-sync the ` +
          `Repository, then touch the plan (e.g. kubectl annotate installplan ${plan.metadata.name} kubesphere-ext.io/poke="$(date +%s)" --overwrite)`,
      });
  }

  // Which clusters the placement targets now, and which entries are left over.
  const placement = plan.spec?.clusterScheduling?.placement;
  const targets = plan.spec?.clusterScheduling ? targetClusters(input.clusters, placement) : [];
  const overrides = plan.spec?.clusterScheduling?.overrides ?? {};
  const expectedClusters: Record<string, ExpectedClusterState> = {};
  for (const c of targets) expectedClusters[c] = c in overrides ? { mustDifferFrom: "" } : {};
  const entries = st?.clusterSchedulingStatuses ?? {};
  const removed = Object.keys(entries).filter((c) => !targets.includes(c));

  const jobObservations: Record<string, JobObservation> = {};
  for (const [name, e] of Object.entries(input.jobs)) {
    if (e.info) jobObservations[name] = { complete: e.info.complete, failed: e.info.failed, completionTime: e.info.finishedTime };
    // Read and not found: gone (since before this look, so no grace).
    else if (!e.error) jobObservations[name] = { complete: false, failed: false, gone: true };
  }
  const assessment: InstallPlanAssessment = deleting
    ? assessInstallPlanDeletion(plan, { jobs: jobObservations, now: input.now, extensionVersionExists: input.extensionVersionExists })
    : assessInstallPlan(plan, {
      name: plan.metadata.name, version: specVersion, configHash: expectedHash, enabled: plan.spec?.enabled ?? false,
      clusters: expectedClusters, removedClusters: removed,
    }, { jobs: jobObservations, now: input.now });

  findings.push(...scopeFindings("host", st, assessment.host, plan.metadata.name, input, deleting));
  const clusterRows: ClusterRow[] = [];
  for (const c of [...new Set([...targets, ...Object.keys(entries)])].sort()) {
    const entry = entries[c];
    const r = assessment.clusters[c];
    clusterRows.push({
      name: c, targeted: targets.includes(c), state: entry?.state ?? "", version: entry?.version, configHash: entry?.configHash,
      jobName: entry?.jobName, readiness: r?.status ?? (entry ? "Progressing" : "Progressing"),
      message: r?.message ?? (entry ? `state ${entry.state ?? ""}` : "no agent entry yet"),
    });
    if (entry) findings.push(...scopeFindings(`cluster ${c}`, { ...entry, targetNamespace: entry.targetNamespace ?? st?.targetNamespace },
      r, plan.metadata.name, input, deleting));
  }
  if (plan.spec?.clusterScheduling) {
    const named = placement?.clusters ?? [];
    const known = input.clusters.map((c) => c.metadata.name);
    const missing = named.filter((c) => !known.includes(c));
    if (missing.length > 0) {
      findings.push({ severity: "warning", scope: "plan", title: `placement names cluster(s) that do not exist: ${missing.join(", ")}`,
        detail: "The controller silently skips them (see docs/kubesphere-behavior.md §2.9).", hint: `clusters that exist: ${known.join(", ") || "(none)"}` });
    }
    const unschedulable = named.filter((c) => known.includes(c) && !targets.includes(c));
    if (unschedulable.length > 0) {
      findings.push({ severity: "info", scope: "plan", title: `cluster(s) not schedulable now: ${unschedulable.join(", ")}`,
        detail: "They get their agents only when they become Ready and schedulable (see docs/kubesphere-behavior.md §2.9, §6.16)." });
    }
  }
  if (deleting) {
    // Agents are uninstalled before the host; an unreachable member makes that step fail and retry for ever (docs/kubesphere-behavior.md §5 step 9).
    const unreachable = Object.keys(entries).filter((c) => {
      const obj = input.clusters.find((x) => x.metadata.name === c);
      return obj !== undefined && !obj.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True");
    }).sort();
    if (unreachable.length > 0) {
      findings.push({
        severity: "error", scope: "plan", title: `the agent uninstall waits on cluster(s) that are not Ready: ${unreachable.join(", ")}`,
        detail: "Agents are uninstalled before the host release; an unreachable member cluster makes that step fail and " +
          "retry with backoff for ever, so the deletion does not finish (see docs/kubesphere-behavior.md §5 steps 4 and 9).",
        hint: "bring the cluster back, or clean its agent release up by hand; the force-delete annotation only covers the host release",
      });
    }
  }
  if (deleting && plan.metadata.annotations?.[ANNOTATION_FORCE_DELETE] !== undefined) {
    findings.push({ severity: "info", scope: "host", title: "force-delete is set",
      detail: "The host release is uninstalled without hooks once the agents are gone (see docs/kubesphere-behavior.md §5 step 5)." });
  }
  if (input.offline) {
    findings.push({ severity: "info", scope: "plan", title: "offline: Jobs and logs were not read",
      detail: "Only the InstallPlan and catalog objects were examined; run against the cluster for Job status, pod logs and the clock-skew check." });
  }
  if (assessment.status === "Ready" && !findings.some((f) => f.severity !== "info")) {
    findings.push({ severity: "info", scope: "host", title: assessment.message, detail: deleting ? "Deleted." : "The controller acted on exactly this spec and Helm reported success." });
  } else if (!findings.some((f) => f.severity === "error") && (assessment.status === "Failed" || assessment.status === "Stalled" || assessment.status === "Unknown")) {
    findings.push({ severity: "error", scope: assessment.decidedBy ? `cluster ${assessment.decidedBy}` : "host", title: assessment.message, detail: `Readiness: ${assessment.status}.` });
  } else if (assessment.status === "Progressing" && !findings.some((f) => f.severity === "error")) {
    findings.push({ severity: "info", scope: assessment.decidedBy ? `cluster ${assessment.decidedBy}` : "host", title: assessment.message,
      detail: assessment.preJobFailure ? `Likely cause if it does not finish: ${assessment.preJobFailure}` : "Work is under way." });
  }
  findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));

  const jobs: Diagnosis["jobs"] = [];
  const seen = new Set<string>();
  const addJob = (scope: string, name: string | undefined, namespace: string | undefined) => {
    if (!name || seen.has(name)) return;
    seen.add(name);
    const e = input.jobs[name];
    jobs.push({ scope, name, namespace, info: e?.info, error: e?.error, pods: e?.pods ?? [] });
  };
  addJob("host", st?.jobName, st?.targetNamespace);
  for (const [c, entry] of Object.entries(entries).sort(([a], [b]) => a.localeCompare(b))) addJob(`cluster ${c}`, entry.jobName, st?.targetNamespace);

  const firstError = findings.find((f) => f.severity === "error");
  return {
    extension: ext,
    verdict: assessment.status,
    summary: firstError ? `${firstError.scope === "host" || firstError.scope === "plan" ? "" : `${firstError.scope}: `}${firstError.title}` : assessment.message,
    assessment: assessment.message,
    plan: {
      name: plan.metadata.name, extension: ext, specVersion, enabled: plan.spec?.enabled ?? false, state: st?.state ?? "",
      statusVersion: st?.version, configHash: st?.configHash, expectedConfigHash: expectedHash, targetNamespace: st?.targetNamespace,
      jobName: st?.jobName, deletionTimestamp: plan.metadata.deletionTimestamp,
      forceDelete: plan.metadata.annotations?.[ANNOTATION_FORCE_DELETE] !== undefined,
    },
    conditions: st?.conditions ?? [],
    stateHistory: st?.stateHistory ?? [],
    clusters: clusterRows,
    jobs,
    findings,
  };
}

/** Whether the diagnosis found something that will not fix itself (exit code 1). */
export function hasProblems(d: Diagnosis): boolean {
  return d.findings.some((f) => f.severity === "error");
}
