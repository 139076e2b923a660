/**
 * The plan of a staged rollout, as a pure function of the desired placement, the user's waves and the
 * live plan: which clusters each wave adds, updates or removes, which waves are already done (the
 * resume after a failed `up`), the `spec.clusterScheduling` to write when a wave starts, and what the
 * plan must show when it ends. No I/O; `run.ts` does the patching and waiting.
 *
 * Rules (docs/rollouts.md):
 * * Apply waves come first, in the user's order; a cluster is `add` (not placed now), `update` (placed
 *   with another override than desired), `resume` (placed as desired but not yet showing the expected
 *   state: a wave that was written and did not finish) or `none` (placed as desired and showing it).
 * * Then removals (placed now, not desired), in reverse wave order: with `waves`, each with the wave
 *   that names it; with `batchSize`, in batches of that size over the live placement's order, last
 *   batch first.
 * * A wave is done when every cluster in it shows its expected state; done waves are skipped.
 * * Only `spec.clusterScheduling` is staged: version and config are one per InstallPlan (docs/kubesphere-behavior.md §2.9).
 */
import type { ClusterScheduling, InstallPlan } from "../kubesphere/types";
import { assessInstallPlan, type ExpectedInstallPlan } from "../readiness/assess";
import type { InputProblem } from "../resolve/input";
import { RolloutSpec, targetWaves, validateRollout } from "./spec";

/** What a wave does to one cluster. */
export type ClusterChange = "add" | "update" | "resume" | "none" | "remove";

/** One wave of a {@link RolloutPlan}. */
export interface RolloutWave {
  /** 1-based position in the rollout. */
  number: number;
  /** `apply`: clusters enter the placement or get their desired override; `remove`: clusters leave it. */
  kind: "apply" | "remove";
  /** The clusters of the wave, in the user's order. */
  clusters: string[];
  /** What the wave changes per cluster. */
  changes: Record<string, ClusterChange>;
  /** Every cluster already shows its expected state: the wave is skipped. */
  done: boolean;
}

/** The plan of a rollout (see {@link planRollout}). */
export interface RolloutPlan {
  /** InstallPlan (extension) name. */
  name: string;
  /** Apply waves in order, then removal waves. */
  waves: RolloutWave[];
  /** Seconds to pause after a wave before the next one starts. */
  pauseSeconds: number;
  /** The `spec.clusterScheduling` of the live plan (`undefined` when none). */
  live?: ClusterScheduling;
  /** Live placed clusters, in the live placement's order. */
  livePlaced: string[];
  /** The `spec.clusterScheduling` the plan ends with. */
  desired: ClusterScheduling;
  /** Target clusters, in placement order. */
  targets: string[];
  /** Cluster names in `waves` that are neither targets nor placed now: nothing to do for them. */
  ignored: string[];
}

/** What {@link planRollout} needs. */
export interface RolloutPlanInput {
  /** InstallPlan (extension) name, for messages. */
  name: string;
  /** The user's `rollout` argument (validated here; raw values are accepted). */
  rollout: unknown;
  /** Field path of `rollout` for messages. Default `rollout`. */
  path?: string;
  /** `installationMode` of the resolved ExtensionVersion; a rollout needs `Multicluster`. */
  installationMode?: string;
  /** The `spec.clusterScheduling` the plan must end with, as stored (overrides trimmed like the webhook). */
  desired: ClusterScheduling | undefined;
  /** The clusters the desired placement targets, in order (`placement.clusters`, or a selector's matches in name order). */
  targets: string[];
  /** The live plan, when it exists. */
  live?: InstallPlan;
  /**
   * Clusters the live placement targets, in order. Default: the live `placement.clusters` when
   * explicit, else the clusters with an entry in the live status (a selector placement, or no
   * `clusterScheduling`, whose agents stay installed).
   */
  liveTargets?: string[];
  /**
   * What the plan must show once the desired spec is installed (`readiness/expected.ts`). Without it,
   * no status is judged: a cluster placed with its desired override counts as done.
   */
  expected?: ExpectedInstallPlan;
}

/** The `rollout` argument (or the live state it meets) cannot be planned. Nothing was written. */
export class RolloutInputError extends Error {
  /** Every problem, naming the field. */
  declare readonly problems: InputProblem[];

  /** @param name plan name; @param problems what is wrong. */
  constructor(name: string, problems: InputProblem[]) {
    super(`rollout of ${name}: ${problems.map((p) => p.message).join("; ")}. Nothing was written.`);
    this.name = "RolloutInputError";
    Object.assign(this, { problems });
  }
}

const has = (o: object | undefined, k: string): boolean => o !== undefined && Object.prototype.hasOwnProperty.call(o, k);

/** The override of `c` as a comparable value: absent and present are different even when empty. */
function overrideOf(s: ClusterScheduling | undefined, c: string): string | undefined {
  return has(s?.overrides, c) ? s!.overrides![c] ?? "" : undefined;
}

/**
 * Clusters the live plan places, in order (see {@link RolloutPlanInput.liveTargets}): an explicit
 * `placement.clusters` list as written; otherwise (a selector, or no `clusterScheduling` at all, which
 * leaves existing agents installed, BEHAVIOR §6.12) the clusters that have an agent entry, by name.
 */
function livePlacedOf(input: RolloutPlanInput): string[] {
  if (input.liveTargets) return [...input.liveTargets];
  const placement = input.live?.spec?.clusterScheduling?.placement;
  const explicit = placement?.clusters;
  if (explicit && (explicit.length > 0 || !placement?.clusterSelector)) return [...explicit];
  return Object.keys(input.live?.status?.clusterSchedulingStatuses ?? {}).sort();
}

/** Whether cluster `c` shows `expected` on the live plan (entry Installed with the expected version and hash). */
function clusterReady(live: InstallPlan | undefined, expected: ExpectedInstallPlan, c: string): boolean {
  const rule = expected.clusters?.[c];
  if (rule === undefined) return true; // not expected (unschedulable): nothing to wait for
  const a = assessInstallPlan(live, { ...expected, clusters: { [c]: rule }, removedClusters: undefined });
  return a.clusters[c]?.status === "Ready";
}

/**
 * Plans the rollout (see the module comment for the rules). Throws {@link RolloutInputError} (listing every problem, naming the field) when
 * the `rollout` argument is invalid, the extension is not Multicluster, the placement is missing, a
 * target is in no wave or in two, or (with `waves`) a cluster leaving the placement is in no wave.
 *
 * @example
 * const plan = planRollout({ name: "whizard-monitoring", rollout: { batchSize: 2 }, targets: ["m1", "m2", "m3"],
 *   desired: { placement: { clusters: ["m1", "m2", "m3"] } }, live, expected });
 * describeRollout(plan); // ["rollout of whizard-monitoring: 2 waves", "  wave 1/2: add m1, m2", ...]
 *
 * @param input the desired placement, the `rollout` argument, the live plan and the expectation.
 */
export function planRollout(input: RolloutPlanInput): RolloutPlan {
  const path = input.path ?? "rollout";
  const { rollout, problems } = validateRollout(input.rollout, path);
  if (input.rollout === undefined || input.rollout === null) {
    problems.push({ path, message: `${path} is not set; planRollout needs a rollout` });
  }
  if (input.installationMode !== undefined && input.installationMode !== "Multicluster") {
    problems.push({ path, message: `${path} stages member-cluster agents, which only Multicluster extensions have; ${input.name} is ${input.installationMode}. Remove \`rollout\`` });
  }
  if (!Array.isArray(input.targets) || !input.targets.every((c) => typeof c === "string")) {
    problems.push({ path, message: `${path}: the target clusters must be a list of cluster names, got ${JSON.stringify(input.targets)?.slice(0, 80)}` });
  }
  if (!input.desired?.placement) {
    problems.push({ path, message: `${path} needs clusterScheduling with a placement (the clusters to roll out to)` });
  }
  if (!rollout || problems.length > 0) throw new RolloutInputError(input.name, problems);
  return planFromSpec(input, rollout, path);
}

function planFromSpec(input: RolloutPlanInput, rollout: RolloutSpec, path: string): RolloutPlan {
  const targets = [...new Set(input.targets)];
  const { waves: applyGroups, problems } = targetWaves(rollout, targets, path);
  const liveScheduling = input.live?.spec?.clusterScheduling ?? undefined;
  const livePlaced = livePlacedOf(input);
  const placedNow = new Set(livePlaced);
  const targetSet = new Set(targets);
  const desired = input.desired!;
  const entries = input.live?.status?.clusterSchedulingStatuses ?? {};

  // Removals: placed now, not desired.
  const leaving = livePlaced.filter((c) => !targetSet.has(c));
  let removalGroups: string[][] = [];
  if (rollout.batchSize !== undefined) {
    for (let i = 0; i < leaving.length; i += rollout.batchSize) removalGroups.push(leaving.slice(i, i + rollout.batchSize));
    removalGroups.reverse();
  } else {
    const byWave = applyGroups.map((w) => w.filter((c) => leaving.includes(c)));
    const unnamed = leaving.filter((c) => !byWave.some((w) => w.includes(c)));
    if (unnamed.length > 0) {
      problems.push({
        path: `${path}.waves`,
        message: `${path}.waves does not name ${unnamed.map((c) => JSON.stringify(c)).join(", ")}, which ${unnamed.length === 1 ? "leaves" : "leave"} the placement; ` +
          `name each cluster being removed in a wave (removals run last wave first), or use \`batchSize\``,
      });
    }
    removalGroups = byWave.filter((w) => w.length > 0).reverse();
  }
  if (problems.length > 0) throw new RolloutInputError(input.name, problems);

  const ignored = rollout.waves ? rollout.waves.flat().filter((c) => !targetSet.has(c) && !placedNow.has(c)) : [];
  const ready = (c: string) => (input.expected ? clusterReady(input.live, input.expected, c) : true);
  const waves: RolloutWave[] = [];
  for (const group of applyGroups) {
    const clusters = group.filter((c) => targetSet.has(c));
    if (clusters.length === 0) continue;
    const changes: Record<string, ClusterChange> = {};
    for (const c of clusters) {
      if (!placedNow.has(c)) changes[c] = "add";
      else if (overrideOf(liveScheduling, c) !== overrideOf(desired, c)) changes[c] = "update";
      else changes[c] = ready(c) ? "none" : "resume";
    }
    waves.push({ number: waves.length + 1, kind: "apply", clusters, changes, done: clusters.every((c) => changes[c] === "none") });
  }
  for (const clusters of removalGroups) {
    const changes: Record<string, ClusterChange> = Object.fromEntries(clusters.map((c) => [c, "remove" as const]));
    // Not placed any more and no entry left: the removal is complete (possible only mid-resume).
    waves.push({ number: waves.length + 1, kind: "remove", clusters, changes, done: clusters.every((c) => !placedNow.has(c) && !has(entries, c)) });
  }
  return {
    name: input.name, waves, pauseSeconds: rollout.pauseSeconds ?? 0, live: liveScheduling, livePlaced,
    desired, targets, ignored,
  };
}

/**
 * The `spec.clusterScheduling` to write when wave `index` (0-based) starts: the live placement with
 * every wave up to and including `index` applied. Clusters of later waves keep their live placement
 * and override. Placement is an explicit cluster list (targets in placement order, then the clusters
 * still waiting for their removal wave); the desired form (e.g. a selector) is written by
 * {@link finalScheduling} after the last wave.
 *
 * @param plan the rollout plan.
 * @param index 0-based wave index.
 */
export function schedulingForWave(plan: RolloutPlan, index: number): ClusterScheduling {
  const placed = new Set(plan.livePlaced);
  const overrides: Record<string, string> = { ...(plan.live?.overrides ?? {}) };
  for (const w of plan.waves.slice(0, index + 1)) {
    for (const c of w.clusters) {
      if (w.kind === "remove") {
        placed.delete(c);
        delete overrides[c];
        continue;
      }
      placed.add(c);
      if (has(plan.desired.overrides, c)) overrides[c] = plan.desired.overrides![c];
      else delete overrides[c];
    }
  }
  const order = [...plan.targets.filter((c) => placed.has(c)), ...plan.livePlaced.filter((c) => placed.has(c) && !plan.targets.includes(c))];
  const out: ClusterScheduling = { placement: { clusters: order } };
  if (Object.keys(overrides).length > 0) out.overrides = Object.fromEntries(Object.keys(overrides).sort().map((k) => [k, overrides[k]]));
  return out;
}

/**
 * The `spec.clusterScheduling` the plan ends with: the desired one, as given.
 *
 * @param plan the rollout plan.
 */
export function finalScheduling(plan: RolloutPlan): ClusterScheduling {
  return plan.desired;
}

/**
 * What the plan must show when wave `index` (0-based) is finished: the host as expected, every
 * cluster of the apply waves so far with its expected state, and every cluster of the removal waves
 * so far gone. Clusters of later waves are not judged (they keep their previous config until then).
 *
 * @param plan the rollout plan.
 * @param expected the expectation of the whole desired spec (`readiness/expected.ts`).
 * @param index 0-based wave index.
 */
export function expectationForWave(plan: RolloutPlan, expected: ExpectedInstallPlan, index: number): ExpectedInstallPlan {
  const clusters: NonNullable<ExpectedInstallPlan["clusters"]> = {};
  const removed: string[] = [];
  for (const w of plan.waves.slice(0, index + 1)) {
    for (const c of w.clusters) {
      if (w.kind === "remove") removed.push(c);
      else if (expected.clusters?.[c] !== undefined) clusters[c] = expected.clusters[c];
    }
  }
  const out: ExpectedInstallPlan = { ...expected, clusters };
  delete out.removedClusters;
  if (removed.length > 0) out.removedClusters = removed.sort();
  return out;
}

/**
 * Merge patch (RFC 7386) turning `live` into `next` for `spec.clusterScheduling`, or `undefined` when they are equal.
 *
 * @param live the stored `spec.clusterScheduling` (`undefined` when absent).
 * @param next the one to write.
 */
export function schedulingPatch(live: ClusterScheduling | undefined, next: ClusterScheduling): Record<string, unknown> | undefined {
  const placement: Record<string, unknown> = {};
  const lp = live?.placement ?? {};
  const np = next.placement ?? {};
  if (JSON.stringify(lp.clusters ?? null) !== JSON.stringify(np.clusters ?? null)) placement.clusters = np.clusters ?? null;
  if (JSON.stringify(lp.clusterSelector ?? null) !== JSON.stringify(np.clusterSelector ?? null)) placement.clusterSelector = np.clusterSelector ?? null;
  const overrides: Record<string, string | null> = {};
  for (const k of Object.keys(live?.overrides ?? {})) if (!has(next.overrides, k)) overrides[k] = null;
  for (const [k, v] of Object.entries(next.overrides ?? {})) if (live?.overrides?.[k] !== v || !has(live?.overrides, k)) overrides[k] = v;
  const cs: Record<string, unknown> = {};
  if (Object.keys(placement).length > 0) cs.placement = placement;
  if (Object.keys(overrides).length > 0) {
    // An empty overrides map left behind is harmless but noisy; drop the key when nothing remains.
    cs.overrides = Object.keys(next.overrides ?? {}).length === 0 ? null : overrides;
  }
  if (Object.keys(cs).length === 0) return undefined;
  return { spec: { clusterScheduling: cs } };
}

const VERB: Record<ClusterChange, string> = { add: "add", update: "update", resume: "finish", none: "unchanged", remove: "remove" };

/**
 * One wave as text: `add member1, member2; update member3`.
 *
 * @param w the wave.
 */
export function describeWave(w: RolloutWave): string {
  const groups = new Map<ClusterChange, string[]>();
  for (const c of w.clusters) groups.set(w.changes[c], [...(groups.get(w.changes[c]) ?? []), c]);
  return [...groups].map(([change, cs]) => `${VERB[change]} ${cs.join(", ")}`).join("; ");
}

/**
 * Lines for preview and progress: a header, then one line per wave, e.g.
 * `rollout of whizard-monitoring: 3 waves, 60 s pause between waves` /
 * `  wave 1/3: add member1, member2` / `  wave 3/3: remove member6 (done: skipped)`.
 *
 * @param plan the rollout plan (see {@link planRollout}).
 */
export function describeRollout(plan: RolloutPlan): string[] {
  const n = plan.waves.length;
  const todo = plan.waves.filter((w) => !w.done).length;
  const header = `rollout of ${plan.name}: ${n} wave${n === 1 ? "" : "s"}` +
    (todo < n ? ` (${n - todo} already done)` : "") +
    (plan.pauseSeconds > 0 ? `, ${plan.pauseSeconds} s pause between waves` : "");
  const lines = [header];
  for (const w of plan.waves) lines.push(`  wave ${w.number}/${n}: ${describeWave(w)}${w.done ? " (done: skipped)" : ""}`);
  if (plan.ignored.length > 0) lines.push(`  not placed and not targeted, nothing to do: ${plan.ignored.join(", ")}`);
  return lines;
}
