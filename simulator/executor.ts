/**
 * Simulates what happens to a helm executor Job after the controller created it: the Job
 * controller's Pod, the kubelet running it, and `helm` inside (docs/kubesphere-behavior.md §2.10):
 *
 * 1. after `podStartMs`: a Pod `<job>-<5 chars>` labelled `job-name`/`controller-uid` (the pod
 *    template itself has no labels) starts Running, the Job gets `active: 1`, and Helm records
 *    its pending revision stamped with the helm pod's clock (`last_deployed`);
 * 2. after `helmMs` (+ `slow` delay): Helm marks the revision deployed/failed (or removes the
 *    release on uninstall);
 * 3. after `jobStatusMs`: the Pod terminates with its log, and the Job gets `succeeded: 1` +
 *    `Complete`, or `failed: 1` + `Failed` "Job has reached the specified backoff limit"
 *    (`backoffLimit: 0`).
 *
 * With pods `"withLog"` (the default) the log text is stored in the Pod annotation
 * `logs.simulator.kubesphere.io/helm` ({@link POD_LOG_ANNOTATION_PREFIX}), which the in-memory API
 * server serves at `pods/<name>/log`. With pods `"none"` no Pod is created at all — what a client
 * finds on a kube-apiserver without kubelet — and only the Job status moves.
 */
import { kubeTime, type Clock } from "./clock";
import { POD_LOG_ANNOTATION_PREFIX } from "./apiServer";
import { EXECUTOR_IMAGE } from "./executorJob";
import type { ExecutorAction, ExecutorFault } from "./controllerFaults";
import type { HelmReleases, ReleaseKey } from "./helm";
import type { SimKubeClient } from "./kubeClient";
import type { SeededRandom } from "./random";
import type { Scheduler } from "./scheduler";
import type { KubeObject } from "./store";

/** Durations of the simulated steps. */
export interface ExecutorDelays {
  /** Simulated time from Job creation to a running pod with Helm's pending revision. Default 1000 ms. */
  podStartMs: number;
  /** Simulated duration of the helm command. Default 4000 ms. */
  helmMs: number;
  /**
   * Simulated time from Helm writing its result to the Pod terminating and the Job controller
   * writing the Job status. Default 1000 ms. Reconciles triggered by the release in between see
   * Helm's description first (`Release "x" failed: ...`), as in a real cluster.
   */
  jobStatusMs: number;
}

/**
 * Default simulated durations: seconds, as in a real cluster, so that consecutive steps get
 * distinct second-rounded history times. They cost no real time in manual mode and
 * `duration x timeScale` in auto mode.
 */
export const DEFAULT_EXECUTOR_DELAYS: ExecutorDelays = { podStartMs: 1000, helmMs: 4000, jobStatusMs: 1000 };

/**
 * How executor pods are represented: `"withLog"` (a Pod with the helm transcript, served at
 * `pods/<name>/log` by the in-memory API server) or `"none"` (no Pod, as on an API server without
 * kubelet or Job controller).
 */
export type ExecutorPods = "withLog" | "none";

/** The valid {@link ExecutorPods} values. */
export const EXECUTOR_POD_MODES: readonly ExecutorPods[] = ["withLog", "none"];

/** Job condition message of a Job whose only pod failed (`backoffLimit: 0`). */
export const JOB_BACKOFF_MESSAGE = "Job has reached the specified backoff limit";

/** Everything one run needs. */
export interface ExecutorRun {
  /** The Job the controller created. */
  job: KubeObject;
  /** Release operated on. */
  release: ReleaseKey;
  /** Action. */
  action: ExecutorAction;
  /** Chart version being installed (install/upgrade). */
  chartVersion: string;
  /** The helm command line shown at the top of the log. */
  command: string;
  /** Faults that apply to this run. */
  faults: ExecutorFault[];
}

function helmDate(d: Date): string {
  // Helm prints LAST DEPLOYED in Go's ANSIC-like layout: "Mon Jan  2 15:04:05 2006".
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The `helm --debug` transcript of a run (realistic enough for log-reading code paths). */
export function helmLog(run: ExecutorRun, outcome: { ok: boolean; error: string; revision?: number; startedAt: Date }): string {
  const { name, namespace } = run.release;
  const lines = [`+ ${run.command}`];
  if (run.action === "uninstall") {
    lines.push(`uninstall.go:102: [debug] uninstall: Deleting ${name}`);
    if (outcome.ok) lines.push(`uninstall.go:155: [debug] purge requested for ${name}`, `release "${name}" uninstalled`);
    else {
      const hook = `warning: Hook pre-delete ${name}/templates/pre-delete.yaml failed: ${outcome.error}`;
      lines.push(`client.go:486: [debug] Starting delete for "${name}-pre-delete" Job`, `Error: ${hook}`, `helm.go:84: [debug] ${hook}`);
    }
    return `${lines.join("\n")}\n`;
  }
  lines.push(`history.go:56: [debug] getting history for release ${name}`);
  if (run.action === "install" && (outcome.revision === undefined || outcome.revision === 1)) lines.push(`Release "${name}" does not exist. Installing it now.`);
  else lines.push(`upgrade.go:164: [debug] preparing upgrade for ${name}`, `upgrade.go:172: [debug] performing update for ${name}`);
  lines.push(`install.go:225: [debug] Original chart version: "${run.chartVersion}"`, `wait.go:50: [debug] beginning wait for resources with timeout of 10m0s`);
  if (outcome.ok) {
    if (outcome.revision !== undefined && outcome.revision > 1) lines.push(`Release "${name}" has been upgraded. Happy Helming!`);
    lines.push(`NAME: ${name}`, `LAST DEPLOYED: ${helmDate(outcome.startedAt)}`, `NAMESPACE: ${namespace}`, "STATUS: deployed", `REVISION: ${outcome.revision ?? 1}`, "TEST SUITE: None");
  } else {
    const prefix = run.action === "upgrade" || (outcome.revision ?? 1) > 1 ? "UPGRADE FAILED" : "INSTALLATION FAILED";
    lines.push(`Error: ${prefix}: ${outcome.error}`, `helm.go:84: [debug] ${outcome.error}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Runs simulated executor Jobs. */
export class HelmExecutorSimulator {
  /**
   * @param client where Pods and Job status are written.
   * @param scheduler timers for the steps.
   * @param releases the Helm release records.
   * @param random pod name suffixes.
   * @param clock API-server/controller time (Job conditions).
   * @param delays step durations.
   * @param pods whether a Pod with a readable log is created per Job (`"withLog"`) or none at all.
   */
  constructor(
    private readonly client: SimKubeClient,
    private readonly scheduler: Scheduler,
    private readonly releases: HelmReleases,
    private readonly random: SeededRandom,
    private readonly clock: Clock,
    private readonly delays: ExecutorDelays,
    private readonly pods: ExecutorPods = "withLog",
  ) {}

  /** Starts the simulated run of a freshly created Job. */
  start(run: ExecutorRun): void {
    const jobName = run.job.metadata.name;
    this.scheduler.after(this.delays.podStartMs, `pod start ${jobName}`, () => this.podStarted(run));
  }

  /** The Pod the Job controller would create, Running (kubelet), its log holding the command so far. */
  private async createPod(job: KubeObject, podName: string, command: string, now: string): Promise<void> {
    const ns = job.metadata.namespace!;
    const jobName = job.metadata.name;
    const uid = job.metadata.uid ?? "";
    const podSpec = ((job.spec as { template?: { spec?: Record<string, unknown> } })?.template?.spec) ?? {};
    const pod = await this.client.create("pods", {
      apiVersion: "v1", kind: "Pod",
      metadata: {
        name: podName, namespace: ns,
        labels: { "job-name": jobName, "batch.kubernetes.io/job-name": jobName, "controller-uid": uid, "batch.kubernetes.io/controller-uid": uid },
        annotations: { [`${POD_LOG_ANNOTATION_PREFIX}helm`]: `+ ${command}\n` },
        ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: jobName, uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: podSpec,
    });
    await this.client.updateStatus("pods", { ...pod, status: { phase: "Running", startTime: now, containerStatuses: [{ name: "helm", ready: true, restartCount: 0, image: EXECUTOR_IMAGE, state: { running: { startedAt: now } } }] } });
  }

  private fault(run: ExecutorRun, effect: ExecutorFault["effect"]): ExecutorFault | undefined {
    return run.faults.find((f) => f.effect === effect);
  }

  private async podStarted(run: ExecutorRun): Promise<void> {
    const ns = run.release.namespace;
    const jobName = run.job.metadata.name;
    const job = await this.client.get("jobs", jobName, ns);
    if (!job) return; // deleted before it started (superseded or plan deleted)
    // Drawn in both pod modes, so that Job names do not depend on the mode.
    const podName = `${jobName}-${this.random.suffix(5)}`;
    const now = kubeTime(this.clock.now());
    if (this.pods === "withLog") await this.createPod(job, podName, run.command, now);
    await this.client.updateStatus("jobs", { ...job, status: { ...(job.status as object ?? {}), active: 1, startTime: now } });

    const skew = this.fault(run, "clockSkew");
    const helmNow = new Date(this.clock.now().getTime() + (skew ? (skew.skewSeconds ?? -30) * 1000 : 0));
    const fail = this.fault(run, "fail");
    let revision: number | undefined;
    let preError: string | undefined;
    if (!(fail?.beforeRelease)) {
      if (run.action === "uninstall") {
        // A failing uninstall is modelled as a failing pre-delete hook: Helm returns before it
        // records the `uninstalling` status, so the release stays as it was (docs/kubesphere-behavior.md §5 step 9).
        if (!fail) this.releases.beginUninstall(run.release);
      } else {
        try {
          revision = this.releases.begin(run.release, run.action === "upgrade" ? "upgrade" : "install", run.chartVersion, helmNow).revision;
        } catch (e) {
          preError = (e as Error).message;
        }
      }
    }
    if (this.fault(run, "hang")) return;
    const slow = this.fault(run, "slow");
    this.scheduler.after(this.delays.helmMs + (slow?.delayMs ?? 0), `helm ${run.action} ${jobName}`,
      () => this.finished(run, podName, helmNow, revision, preError));
  }

  private async finished(run: ExecutorRun, podName: string, helmStart: Date, revision: number | undefined, preError: string | undefined): Promise<void> {
    const jobName = run.job.metadata.name;
    const fail = this.fault(run, "fail");
    const ok = !fail && preError === undefined;
    const error = preError ?? fail?.error ?? (run.action === "uninstall" ? `job ${run.release.name}-pre-delete failed: BackoffLimitExceeded` : "context deadline exceeded");
    if (run.action === "uninstall") {
      if (ok) this.releases.remove(run.release);
    } else if (revision !== undefined) {
      this.releases.finish(run.release, ok, error);
    }
    this.scheduler.after(this.delays.jobStatusMs, `job status ${jobName}`,
      () => this.terminated(run, podName, helmStart, revision, ok, error));
  }

  private async terminated(run: ExecutorRun, podName: string, helmStart: Date, revision: number | undefined, ok: boolean, error: string): Promise<void> {
    const ns = run.release.namespace;
    const jobName = run.job.metadata.name;
    const now = kubeTime(this.clock.now());
    const pod = await this.client.get("pods", podName, ns);
    if (pod) {
      const log = helmLog(run, { ok, error, revision, startedAt: helmStart });
      const withLog = await this.client.update("pods", { ...pod, metadata: { ...pod.metadata, annotations: { ...(pod.metadata.annotations ?? {}), [`${POD_LOG_ANNOTATION_PREFIX}helm`]: log } } });
      const terminated = { exitCode: ok ? 0 : 1, reason: ok ? "Completed" : "Error", startedAt: (pod.status as { startTime?: string })?.startTime, finishedAt: now };
      await this.client.updateStatus("pods", { ...withLog, status: { ...(withLog.status as object ?? {}), phase: ok ? "Succeeded" : "Failed", containerStatuses: [{ name: "helm", ready: false, restartCount: 0, image: EXECUTOR_IMAGE, state: { terminated } }] } });
    }
    const job = await this.client.get("jobs", jobName, ns);
    if (!job) return;
    const status = { ...(job.status as Record<string, unknown> ?? {}) };
    delete status.active;
    if (ok) {
      // kube-apiserver >= 1.31 rejects Complete without SuccessCriteriaMet and Failed without FailureTarget.
      Object.assign(status, { succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {}, completionTime: now, conditions: [
        { type: "SuccessCriteriaMet", status: "True", reason: "CompletionsReached", message: "Reached expected number of succeeded pods", lastProbeTime: now, lastTransitionTime: now },
        { type: "Complete", status: "True", reason: "CompletionsReached", message: "Reached expected number of succeeded pods", lastProbeTime: now, lastTransitionTime: now },
      ] });
    } else {
      Object.assign(status, { failed: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {}, conditions: [
        { type: "FailureTarget", status: "True", reason: "BackoffLimitExceeded", message: JOB_BACKOFF_MESSAGE, lastProbeTime: now, lastTransitionTime: now },
        { type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: JOB_BACKOFF_MESSAGE, lastProbeTime: now, lastTransitionTime: now },
      ] });
    }
    await this.client.updateStatus("jobs", { ...job, status });
    if (this.fault(run, "deleteJob")) {
      this.scheduler.after(1, `delete job ${jobName}`, async () => {
        await this.client.delete("jobs", jobName, ns);
        if (this.pods === "withLog") await this.client.delete("pods", podName, ns);
      });
    }
  }
}
