/**
 * Runs a staged rollout against the cluster: for each wave of the plan (`plan.ts`) that is not done,
 * merge-patch `spec.clusterScheduling` so the placement is (clusters done) ∪ (this wave), wait with
 * the readiness waiter until every cluster of the wave shows its expected state (Installed with the
 * expected version and config hash, or gone for a removal), pause, and go on. The first wave that
 * fails stops the rollout with a {@link RolloutFailedError}: the waiter's cause and Job log tail,
 * plus which clusters are done and which were never touched. Nothing is remembered between runs:
 * the next run re-plans from the live plan, so completed waves are skipped (the resume).
 */
import type { ClusterScheduling, InstallPlan } from "../kubesphere/types";
import type { ExpectedInstallPlan } from "../readiness/assess";
import { systemClock, WaiterClock } from "../readiness/clock";
import { InstallPlanFailedError, InstallPlanTimeoutError } from "../readiness/errors";
import { InstallPlanReady, waitForInstallPlan, WaitForInstallPlanOptions, withRetry } from "../readiness/waiter";
import type { RolloutApi } from "./kubeApi";
import {
  describeRollout, describeWave, expectationForWave, finalScheduling, planRollout, RolloutPlan, RolloutWave,
  schedulingForWave, schedulingPatch,
} from "./plan";

/** Waiter options a rollout passes through to each wave's wait. */
export type RolloutWaitOptions = Pick<WaitForInstallPlanOptions,
  "pollIntervalMs" | "backoff" | "logSettleMs" | "stallGraceMs" | "jobGoneGraceMs" | "logTailLines" | "verifyJobs">;

/**
 * The rollout as the readiness resource receives it (plain values, validated again by the planner:
 * they come back from state).
 */
export interface RolloutInput {
  /** The user's `rollout` argument: `{ waves }` or `{ batchSize }`, optionally `pauseSeconds`. */
  rollout: unknown;
  /** The `spec.clusterScheduling` the plan must end with, as stored (overrides trimmed like the webhook). */
  desired: ClusterScheduling;
  /** Target clusters of `desired`, in placement order (a selector's matches in name order). */
  targets: string[];
  /** `installationMode` of the resolved ExtensionVersion (a rollout needs `Multicluster`). */
  installationMode?: string;
  /** Field path of `rollout` for messages (e.g. `extensions[2].rollout`). Default `rollout`. */
  path?: string;
}

/** Options of {@link runRollout}. */
export interface RunRolloutOptions {
  /** Kubernetes calls (see `clientRolloutApi`). */
  api: RolloutApi;
  /** InstallPlan name. */
  planName: string;
  /** What the plan must show once the whole desired spec is installed (`readiness/expected.ts`). */
  expected: ExpectedInstallPlan;
  /** The rollout: the user's `rollout` argument, the desired `clusterScheduling` and its targets. */
  rollout: RolloutInput;
  /** Deadline of each wave's wait (and of the final check), ms. The pauses are not counted. */
  timeoutMs: number;
  /** Time source; defaults to the system clock. */
  clock?: WaiterClock;
  /** Receives the plan's lines, each wave's start, end and pause, and the waiter's transition lines. */
  onProgress?: (line: string) => void;
  /** The component's current `retry`, for the waiter's retry advice. */
  retry?: number;
  /** Cancels the rollout (the current wait rejects). */
  signal?: AbortSignal;
  /** Passed to each wave's wait. */
  wait?: RolloutWaitOptions;
}

/** What happened to one wave (the timeline). Times are epoch ms of the rollout's clock. */
export interface WaveRecord {
  /** 1-based wave number. */
  number: number;
  /** `apply` or `remove`. */
  kind: RolloutWave["kind"];
  /** Clusters of the wave. */
  clusters: string[];
  /** Already done when the run started: nothing written, nothing awaited. */
  skipped: boolean;
  /** When the placement patch of this wave was accepted (absent: skipped, or the live placement already matched). */
  writtenAt?: number;
  /** Per cluster: when its entry was first seen Installed as expected (apply) or gone (remove). */
  settledAt: Record<string, number>;
  /** When the wave's wait ended successfully. */
  finishedAt?: number;
}

/** What {@link runRollout} resolves with. */
export interface RolloutResult {
  /** The plan that was run. */
  plan: RolloutPlan;
  /** One record per wave. */
  timeline: WaveRecord[];
  /** The final readiness (the whole desired spec). */
  ready: InstallPlanReady;
}

/** A wave failed (or timed out); the rollout stopped there. Later waves were not written. */
export class RolloutFailedError extends Error {
  /** Plan name. */
  declare readonly planName: string;
  /** The wave that failed (1-based). */
  declare readonly wave: number;
  /** The cluster whose agent failed, when the waiter named one. */
  declare readonly cluster?: string;
  /** Clusters at their desired state (waves done before the failure, or already done). */
  declare readonly done: string[];
  /** Clusters of later waves, never written. */
  declare readonly neverTouched: string[];
  /** The waiter's error (cause, Job, log tail). */
  declare readonly cause: Error;
  /** What happened to each wave up to the failure. */
  declare readonly timeline: WaveRecord[];

  /** @param message full text; @param details the structured fields. */
  constructor(message: string, details: { planName: string; wave: number; cluster?: string; done: string[]; neverTouched: string[]; cause: Error; timeline: WaveRecord[] }) {
    super(message);
    this.name = "RolloutFailedError";
    Object.assign(this, details);
  }
}

/**
 * The timeline as lines, one per cluster: `wave 2/3 m3: written 2026-01-01T00:00:01.250Z, Installed
 * 2026-01-01T00:00:02.100Z (+0.85 s)`; skipped waves say so. For progress output and closing notes.
 *
 * @param timeline the records of a {@link RolloutResult} or {@link RolloutFailedError}.
 * @param total number of waves of the plan (for `n/total`).
 */
export function formatTimeline(timeline: WaveRecord[], total = timeline.length): string[] {
  const iso = (t: number | undefined) => (t === undefined ? "-" : new Date(t).toISOString());
  const lines: string[] = [];
  for (const w of timeline) {
    if (w.skipped) {
      lines.push(`wave ${w.number}/${total} ${w.clusters.join(", ")}: already done, skipped`);
      continue;
    }
    const verb = w.kind === "remove" ? "gone" : "Installed";
    for (const c of w.clusters) {
      const at = w.settledAt[c];
      const delta = at !== undefined && w.writtenAt !== undefined ? ` (+${((at - w.writtenAt) / 1000).toFixed(2)} s)` : "";
      lines.push(`wave ${w.number}/${total} ${c}: written ${w.writtenAt === undefined ? "before this run" : iso(w.writtenAt)}, ${verb} ${iso(at)}${delta}`);
    }
  }
  return lines;
}

/** Keeps the event loop alive while a rollout runs (the pause's timer is unref'd). */
function holdEventLoop(): () => void {
  const timer = setInterval(() => undefined, 60_000);
  return () => clearInterval(timer);
}


/** The state each cluster of the failed wave was last seen in, e.g. `member3 InstallFailed, member4 Installed`. */
function waveStates(wave: RolloutWave, e: Error): string {
  const a = e instanceof InstallPlanFailedError ? e.assessment : e instanceof InstallPlanTimeoutError ? e.lastAssessment : undefined;
  if (!a) return wave.clusters.join(", ");
  return wave.clusters.map((c) => {
    const s = a.clusters[c];
    if (wave.kind === "remove") return `${c} ${s ? `still ${s.state || "present"}` : "removed"}`;
    return `${c} ${s?.status === "Ready" ? "Installed" : s?.state || "not scheduled yet"}`;
  }).join(", ");
}

/** The failure text: which wave, the waiter's cause (cluster, condition, Job log tail), done and never touched. */
function failureMessage(plan: RolloutPlan, wave: RolloutWave, e: Error, done: string[], neverTouched: string[]): string {
  const n = plan.waves.length;
  const cluster = wave.kind === "apply" && e instanceof InstallPlanFailedError ? e.cluster : undefined;
  // KubeSphere re-runs a failed agent only when its effective config changes (docs/kubesphere-behavior.md §2.5, §2.11).
  const agentFix = cluster !== undefined
    ? `\nTo re-run only this agent: fix the cause, then change the override of ${cluster} in clusterScheduling.overrides ` +
      `(\`retry\` changes the host config, so the host and every placed agent run again).`
    : "";
  // For an agent, the rollout's own advice replaces the waiter's `retry` advice (which would re-run everything).
  const cause = cluster !== undefined ? e.message.replace(/\n?To retry: an identical re-apply of a failed plan does nothing[^\n]*/, "") : e.message;
  return `rollout of ${plan.name} stopped at wave ${wave.number}/${n} (${describeWave(wave)}): ${cause}\n` +
    `Wave ${wave.number}: ${waveStates(wave, e)}.\n` +
    `done: ${done.join(", ") || "none"}; never touched: ${neverTouched.join(", ") || "none"}.${agentFix}\n` +
    `The next \`pulumi up\` resumes at wave ${wave.number}: completed waves are not written again, later waves start only after it is installed.`;
}

/**
 * Runs the rollout and resolves with the timeline and the final readiness; see the module comment.
 * Rejects with a `RolloutInputError` (nothing written) when the rollout cannot be planned,
 * {@link RolloutFailedError} when a wave fails or times out, or a `KubeApiError` for permanent API
 * errors (401/403) of the patch.
 *
 * @example
 * const api = clientRolloutApi(KubeClient.load({ kubeconfig }));
 * const r = await runRollout({ api, planName: "whizard-monitoring", expected, timeoutMs: 900_000,
 *   rollout: { rollout: { batchSize: 2 }, desired: plan.spec.clusterScheduling, targets: ["m1", "m2", "m3"] },
 *   onProgress: console.log });
 *
 * @param o the plan name, expectation, rollout, deadline per wave and progress sink.
 */
export async function runRollout(o: RunRolloutOptions): Promise<RolloutResult> {
  const clock = o.clock ?? systemClock;
  const say = (line: string) => o.onProgress?.(line);
  const release = holdEventLoop();
  try {
    let live: InstallPlan | undefined = await withRetry(() => o.api.getInstallPlan(o.planName), clock, 6, undefined, o.signal);
    if (!live) throw new Error(`rollout of ${o.planName}: InstallPlan ${o.planName} does not exist; it is created before its rollout starts. Nothing was written.`);
    const plan = planRollout({ ...o.rollout, name: o.planName, live, expected: o.expected });
    describeRollout(plan).forEach(say);
    const n = plan.waves.length;
    const timeline: WaveRecord[] = [];
    const done = plan.waves.filter((w) => w.done).flatMap((w) => w.clusters);
    const waitFor = (expected: ExpectedInstallPlan, onReady?: (c: string) => void) => waitForInstallPlan({
      ...o.wait, api: o.api, name: o.planName, expected, timeoutMs: o.timeoutMs, clock, retry: o.retry, signal: o.signal,
      onProgress: (p) => {
        say(`  ${p.message}`);
        if (onReady && p.assessment) for (const [c, s] of Object.entries(p.assessment.clusters)) if (s.status === "Ready") onReady(c);
      },
    });
    const patchTo = async (next: ReturnType<typeof schedulingForWave>): Promise<boolean> => {
      const patch = schedulingPatch(live!.spec?.clusterScheduling, next);
      if (!patch) return false;
      const patched = await withRetry(() => o.api.patchInstallPlan(o.planName, patch), clock, 6, undefined, o.signal);
      if (!patched) throw new Error(`rollout of ${o.planName}: InstallPlan ${o.planName} was deleted during the rollout (by someone else). Re-run \`pulumi up\`.`);
      live = patched;
      return true;
    };

    for (const [i, wave] of plan.waves.entries()) {
      const record: WaveRecord = { number: wave.number, kind: wave.kind, clusters: wave.clusters, skipped: wave.done, settledAt: {} };
      timeline.push(record);
      if (wave.done) continue;
      say(`wave ${wave.number}/${n}: ${describeWave(wave)}`);
      if (await patchTo(schedulingForWave(plan, i))) record.writtenAt = clock.now();
      const inWave = new Set(wave.clusters);
      const expected = expectationForWave(plan, o.expected, i);
      try {
        await waitFor(expected, (c) => {
          if (inWave.has(c) && wave.kind === "apply" && record.settledAt[c] === undefined) record.settledAt[c] = clock.now();
        });
      } catch (e) {
        const err = e as Error;
        if (!(e instanceof InstallPlanFailedError) && !(e instanceof InstallPlanTimeoutError)) throw e;
        const neverTouched = plan.waves.slice(i + 1).filter((w) => !w.done).flatMap((w) => w.clusters);
        const cluster = e instanceof InstallPlanFailedError ? e.cluster : undefined;
        throw new RolloutFailedError(failureMessage(plan, wave, err, done, neverTouched), {
          planName: o.planName, wave: wave.number, cluster, done: [...done], neverTouched, cause: err, timeline,
        });
      }
      record.finishedAt = clock.now();
      for (const c of wave.clusters) record.settledAt[c] ??= record.finishedAt;
      done.push(...wave.clusters);
      say(`wave ${wave.number}/${n}: done (${wave.clusters.join(", ")})`);
      const more = plan.waves.slice(i + 1).some((w) => !w.done);
      if (more && plan.pauseSeconds > 0) {
        say(`wave ${wave.number}/${n}: pausing ${plan.pauseSeconds} s before the next wave`);
        await clock.sleep(plan.pauseSeconds * 1000, o.signal);
        if (o.signal?.aborted) throw new Error(`rollout of ${o.planName} was cancelled during the pause after wave ${wave.number}/${n}`);
      }
    }
    // The desired form of the placement (e.g. a selector) once every wave is in.
    await patchTo(finalScheduling(plan));
    const ready = await waitFor(o.expected);
    say(`rollout of ${o.planName}: done`);
    formatTimeline(timeline, n).forEach((l) => say(`  ${l}`));
    return { plan, timeline, ready };
  } finally {
    release();
  }
}
