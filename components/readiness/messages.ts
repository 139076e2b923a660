/**
 * User-facing texts of readiness outcomes: failures with their cause and how to retry, stalls, and
 * timeouts with the last state seen and what to check. Pure string building, so the wording can be
 * tested without a cluster.
 */
import type { InstallPlanAssessment } from "./assess";
import type { ContainerLog } from "../kube/jobs";

/** Default number of log lines fetched from a failed executor pod. */
export const DEFAULT_LOG_TAIL_LINES = 40;

/**
 * How to retry a failed plan. KubeSphere re-runs a failed install only when the version or the
 * config hash changes (docs/kubesphere-behavior.md §6.4), so re-applying the same spec does nothing.
 *
 * @param currentRetry the component's current `retry` value (0 or undefined when never set).
 */
export function retryHint(currentRetry?: number): string {
  const next = (currentRetry ?? 0) + 1;
  return `To retry: an identical re-apply of a failed plan does nothing in KubeSphere (the controller re-runs an ` +
    `install only when the version or the config hash changes). Fix the cause, then set \`retry: ${next}\` on the ` +
    `component (it adds a comment line to the config so the configHash changes and the controller re-runs the install).`;
}

/** `kubectl` commands to look at an executor Job and its pod. */
export function jobCommands(namespace: string, jobName: string): string[] {
  return [
    `kubectl get pods -n ${namespace} -l job-name=${jobName} -o wide`,
    `kubectl logs -n ${namespace} -l job-name=${jobName} --all-containers --tail=100`,
    `kubectl describe job -n ${namespace} ${jobName}`,
  ];
}

/** Renders fetched log tails as an indented block, or says why there are none. */
export function formatLogTails(logs: ContainerLog[] | undefined, tailLines: number, fetchError?: string): string {
  if (fetchError !== undefined) return `(${fetchError})`;
  if (!logs || logs.length === 0) return "(no executor pod found for the Job; it may have been deleted or garbage-collected)";
  return logs.map((l) => {
    const head = `last ${tailLines} lines of pod ${l.pod}, container ${l.container}:`;
    if (l.error !== undefined) return `${head}\n    (${l.error})`;
    const text = (l.text ?? "").replace(/\n$/, "");
    return `${head}\n${text === "" ? "    (empty)" : text.split("\n").map((x) => `    | ${x}`).join("\n")}`;
  }).join("\n");
}

/** Everything {@link formatFailure} needs. */
export interface FailureReport {
  /** Plan name. */
  planName: string;
  /** `Failed` (an install/upgrade/uninstall failed) or `Stalled` (stuck, will not finish by itself). */
  kind: "Failed" | "Stalled";
  /** The assessment that ended the wait. */
  assessment: InstallPlanAssessment;
  /** Cluster whose agent failed, when it was not the host. */
  cluster?: string;
  /** Executor Job of the failed scope. */
  jobName?: string;
  /** Namespace of the Job (`status.targetNamespace` of the host; agent Jobs run there too, docs/kubesphere-behavior.md §6.17). */
  jobNamespace?: string;
  /** Log tails of the Job's pod. */
  logs?: ContainerLog[];
  /** Why the logs could not be fetched. */
  logError?: string;
  /** Lines requested. */
  tailLines?: number;
  /** Current `retry` of the component, for the hint. */
  retry?: number;
  /** Whether this is a deletion (changes the advice: no retry knob). */
  deletion?: boolean;
}

/** The multi-line message of a failed or stalled wait: what failed, where, the log tail, and how to retry. */
export function formatFailure(r: FailureReport): string {
  const where = r.cluster !== undefined ? ` (agent on cluster ${r.cluster})` : "";
  const verb = r.kind === "Failed" ? "failed" : "is stuck";
  const lines = [`InstallPlan ${r.planName}${where} ${verb}: ${r.assessment.message}`];
  if (r.jobName) {
    const ns = r.jobNamespace ?? "<targetNamespace>";
    lines.push(`Executor Job: ${ns}/${r.jobName}`);
    if (r.logs !== undefined || r.logError !== undefined) lines.push(formatLogTails(r.logs, r.tailLines ?? DEFAULT_LOG_TAIL_LINES, r.logError));
    lines.push(`Inspect: ${jobCommands(ns, r.jobName).join(" ; ")}`);
  }
  if (!r.deletion) lines.push(retryHint(r.retry));
  return lines.join("\n");
}

/** Everything {@link formatTimeout} needs. */
export interface TimeoutReport {
  /** Plan name. */
  planName: string;
  /** What was awaited (`ready`, `deleted`). */
  goal: "ready" | "deleted";
  /** How long it waited. */
  waitedMs: number;
  /** Last assessment, if the plan was ever seen. */
  last?: InstallPlanAssessment;
  /** Extension and version of the plan (for the ExtensionVersion hint). */
  extension?: { name: string; version: string };
  /** Whether the ExtensionVersion exists, when it could be checked at timeout. */
  extensionVersionExists?: boolean;
  /** Target namespace and Job of the last state, for log commands. */
  targetNamespace?: string;
  /** Log tail of the running Job, when fetched. */
  logs?: ContainerLog[];
  /** Last API error, if the API was failing. */
  lastApiError?: string;
  /** Lines requested. */
  tailLines?: number;
}

/**
 * Timeout text: the last state seen, the most likely reason for that state, and the commands to run.
 * The hints follow docs/kubesphere-behavior.md §3.3 (missing ExtensionVersion = silent no-op), §2.10 (a pod that never
 * starts leaves the plan Installing for ever), §2.9 (agents wait for the host and for schedulable
 * clusters) and §5 (deletion hangs).
 */
export function formatTimeout(r: TimeoutReport): string {
  const secs = r.waitedMs < 10_000 ? Number((r.waitedMs / 1000).toFixed(1)) : Math.round(r.waitedMs / 1000);
  const last = r.last;
  const lines = [`timed out after ${secs}s waiting for InstallPlan ${r.planName} to be ${r.goal}; last state: ` +
    (last ? `${last.status}, host state ${JSON.stringify(last.hostState)}: ${last.message}` : "never observed")];
  const hints: string[] = [];
  const ev = r.extension ? `${r.extension.name}-${r.extension.version}` : undefined;
  if (r.extensionVersionExists === false && ev) {
    hints.push(r.goal === "ready"
      ? `ExtensionVersion ${ev} does not exist. The controller silently ignores a plan whose ExtensionVersion is missing ` +
        `(no status, no condition, no retry; see docs/kubesphere-behavior.md §3.3). Check the version and the Repository sync: kubectl get extensionversions -l kubesphere.io/extension-ref=${r.extension!.name}. ` +
        `Creating it later does not wake the plan: touch the plan (e.g. set retry) after it appears`
      : `ExtensionVersion ${ev} does not exist, so the controller ignores the plan and the deletion hangs (see docs/kubesphere-behavior.md §5 step 2)`);
  }
  if (last?.preJobFailure) hints.push(`the controller keeps failing before creating a Job: ${last.preJobFailure}`);
  const state = last?.hostState ?? "";
  if (r.goal === "ready") {
    if (!last || last.host.status === "Unknown") {
      hints.push(`check that the plan exists and is the one applied: kubectl get installplan ${r.planName} -o yaml`);
    } else if (state === "" || (state === "Installed" && last.host.status !== "Ready")) {
      if (r.extensionVersionExists !== false) {
        hints.push(`the controller has not acted on the spec. Is ks-controller-manager running and healthy? kubectl -n kubesphere-system get pods -l app=ks-controller-manager ; kubectl -n kubesphere-system logs deploy/ks-controller-manager --tail=100`);
        if (ev) hints.push(`is ExtensionVersion ${ev} present? kubectl get extensionversion ${ev}`);
      }
    } else if (state === "Preparing") {
      hints.push(`stuck in Preparing: chart download, Repository or RBAC setup; kubectl get installplan ${r.planName} -o jsonpath='{.status.conditions}' ; kubectl -n kubesphere-system logs deploy/ks-controller-manager --tail=100`);
    } else if ((state === "Installing" || state === "Upgrading") && last.host.jobName) {
      hints.push(`the executor Job is still running. A pod that cannot be scheduled or pull its image leaves the plan ${state} for ever (the Job has no deadline, see docs/kubesphere-behavior.md §2.10)`);
      if (r.targetNamespace) hints.push(...jobCommands(r.targetNamespace, last.host.jobName));
    }
    for (const [c, cr] of Object.entries(last?.clusters ?? {})) {
      if (cr.status !== "Ready") {
        hints.push(`cluster ${c}: ${cr.message}; check that it is Ready and schedulable: kubectl get cluster ${c} -o jsonpath='{.status.conditions}'` +
          (cr.jobName && r.targetNamespace ? ` ; ${jobCommands(r.targetNamespace, cr.jobName)[1]}` : ""));
      }
    }
  } else {
    hints.push(`an unreachable member cluster makes the agent uninstall retry for ever; the kubesphere.io/force-delete annotation ` +
      `skips the host uninstall hooks (kubectl annotate installplan ${r.planName} kubesphere.io/force-delete=true); as a last resort remove the finalizer by hand`);
  }
  if (r.lastApiError) hints.push(`the Kubernetes API was failing: ${r.lastApiError}`);
  if (hints.length > 0) lines.push(...hints.map((h) => `  - ${h}`));
  if (r.logs && r.logs.length > 0) lines.push(formatLogTails(r.logs, r.tailLines ?? DEFAULT_LOG_TAIL_LINES));
  return lines.join("\n");
}
