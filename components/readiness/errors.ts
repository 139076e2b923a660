/**
 * Errors a readiness wait ends with. Each carries structured fields (for programs and tests) and a
 * complete human message (for `pulumi up` output) built by `messages.ts`.
 */
import type { InstallPlanAssessment } from "./assess";
import type { ContainerLog } from "../kube/jobs";

/** Fields shared by failed and stalled outcomes. */
export interface PlanProblemDetails {
  /** Plan name. */
  planName: string;
  /** `install` (waiting for ready) or `delete` (waiting for it to be gone). */
  phase: "install" | "delete";
  /** The assessment that ended the wait. */
  assessment: InstallPlanAssessment;
  /** State of the failed scope (`InstallFailed`, `UpgradeFailed`, `UninstallFailed`, `Installing`...). */
  state: string;
  /** The controller's message (`conditions[0].message`) or the stall explanation. */
  conditionMessage: string;
  /** The member cluster whose agent failed; undefined for the host. */
  cluster?: string;
  /** Executor Job of the failed scope. */
  jobName?: string;
  /** Namespace of that Job (the host's `status.targetNamespace`). */
  jobNamespace?: string;
  /** Log tails of the Job's pod, fetched when the failure was seen. */
  logs?: ContainerLog[];
}

/** The extension's install, upgrade or uninstall failed (the controller will not retry it by itself). */
export class InstallPlanFailedError extends Error implements PlanProblemDetails {
  /** Plan name. */
  declare readonly planName: string;
  /** `install` (waiting for ready) or `delete` (waiting for it to be gone). */
  declare readonly phase: "install" | "delete";
  /** The assessment that ended the wait. */
  declare readonly assessment: InstallPlanAssessment;
  /** State of the failed scope (`InstallFailed`, `UpgradeFailed`, `UninstallFailed`, `Installing`...). */
  declare readonly state: string;
  /** The controller's `conditions[0].message` (Failed) or the stall explanation (Stalled). */
  declare readonly conditionMessage: string;
  /** The member cluster whose agent failed; undefined for the host. */
  declare readonly cluster?: string;
  /** Executor Job of the failed scope. */
  declare readonly jobName?: string;
  /** Namespace of that Job (the host's `status.targetNamespace`). */
  declare readonly jobNamespace?: string;
  /** Log tails of the Job's pod, fetched when the failure was seen. */
  declare readonly logs?: ContainerLog[];

  /** @param message full text (from `formatFailure`); @param details the structured fields. */
  constructor(message: string, details: PlanProblemDetails) {
    super(message);
    this.name = "InstallPlanFailedError";
    Object.assign(this, details);
  }

  /** All fetched log lines joined (empty when none could be read). */
  get logTail(): string {
    return (this.logs ?? []).map((l) => l.text ?? "").join("");
  }
}

/**
 * The plan will not progress on its own: e.g. the executor Job completed but the plan stays
 * `Installing` (clock skew, docs/kubesphere-behavior.md §6.3), or deletion hangs because the ExtensionVersion is missing.
 */
export class InstallPlanStalledError extends InstallPlanFailedError {
  /** @param message full text; @param details the structured fields. */
  constructor(message: string, details: PlanProblemDetails) {
    super(message, details);
    this.name = "InstallPlanStalledError";
  }
}

/** The wait ran out of time; the message names the last state seen and what to check. */
export class InstallPlanTimeoutError extends Error {
  /** Plan name. */
  declare readonly planName: string;
  /** How long it waited, in ms (waiter clock). */
  declare readonly waitedMs: number;
  /** The last assessment, if the plan was observed at all. */
  declare readonly lastAssessment?: InstallPlanAssessment;

  /** @param message full text (from `formatTimeout`). */
  constructor(message: string, planName: string, waitedMs: number, lastAssessment?: InstallPlanAssessment) {
    super(message);
    this.name = "InstallPlanTimeoutError";
    Object.assign(this, { planName, waitedMs, lastAssessment });
  }
}

/** The wait was cancelled through its AbortSignal. */
export class InstallPlanWaitAbortedError extends Error {
  /** @param planName the plan that was being awaited. */
  constructor(planName: string) {
    super(`waiting for InstallPlan ${planName} was cancelled`);
    this.name = "InstallPlanWaitAbortedError";
  }
}

/** How the plan was changed by someone else during the wait. */
export type PlanChange = "deleted" | "recreated" | "specChanged";

/**
 * Someone else deleted, re-created (new uid) or rewrote the InstallPlan's spec while the wait was
 * running: what was applied will never be reported, so the wait ends at the first event showing it.
 */
export class InstallPlanChangedError extends Error {
  /** Plan name. */
  declare readonly planName: string;
  /** What happened. */
  declare readonly change: PlanChange;
  /** What differs (fields and values), one entry per difference. */
  declare readonly differences: string[];

  /** @param planName the plan; @param change what happened; @param differences what differs. */
  constructor(planName: string, change: PlanChange, differences: string[]) {
    const what = change === "deleted" ? "was deleted by someone else"
      : change === "recreated" ? "was deleted and re-created by someone else (its uid changed)"
      : "had its spec changed by another writer";
    super(`InstallPlan ${planName} ${what} while waiting for it to be ready` + (differences.length ? `: ${differences.join("; ")}` : "") +
      `. The applied spec will not be reported; re-run \`pulumi up\` (or \`pulumi refresh\` first) to reconcile, and find out who else writes this plan (the console, another stack, kubectl).`);
    this.name = "InstallPlanChangedError";
    Object.assign(this, { planName, change, differences });
  }
}
