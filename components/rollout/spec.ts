/**
 * The user's `rollout` argument: runtime-type validation and the resolution of `waves` / `batchSize`
 * into explicit groups of the target clusters. Pure: no catalog, no cluster, no I/O.
 *
 * Like the rest of the input checks (`resolve/input.ts`) nothing is coerced: `"3"` is not a batch
 * size, `" member1"` is not a cluster name. Every problem names the field, what was found and what
 * would be valid; all problems are reported at once.
 */
import { describeValue, fieldPath, InputProblem, isPlainObject } from "../resolve/input";

/** Staged rollout of the member-cluster agents of a Multicluster extension (docs/rollouts.md). */
export interface RolloutSpec {
  /**
   * Explicit groups of clusters, applied in this order. Every target cluster of the placement must be
   * in exactly one wave. A cluster leaving the placement is removed with the wave that names it (last
   * wave first). Not together with `batchSize`.
   */
  waves?: string[][];
  /**
   * Groups of this many clusters, consecutive in the order of `clusterScheduling.clusters` (a
   * selector's matches in name order). Clusters leaving the placement are removed in batches of the
   * same size, last first. Not together with `waves`.
   */
  batchSize?: number;
  /** Seconds to wait after a wave is installed before the next wave starts (a soak period). Default 0. */
  pauseSeconds?: number;
}

/** The fields of {@link RolloutSpec}. */
export const ROLLOUT_FIELDS = ["waves", "batchSize", "pauseSeconds"] as const;

const NUMBER_HINT = "stack config values are strings: read them with `config.requireNumber(...)`";

/** A cluster name as Kubernetes object names go: non-empty, no surrounding or inner whitespace. */
function clusterNameProblem(v: unknown): string | undefined {
  if (typeof v !== "string") return `must be a cluster name (a string), not ${describeValue(v)}`;
  if (v === "" || /\s/u.test(v)) return `${JSON.stringify(v)} is not a valid cluster name (empty or with whitespace)`;
  return undefined;
}

/**
 * Checks the runtime types of a `rollout` argument. `null`/`undefined` mean "no rollout".
 *
 * @param raw the value as given (from TypeScript, stack config or another language).
 * @param path field path for messages, e.g. `rollout` or `extensions[2].rollout`.
 * @returns the typed spec when there is no problem.
 */
export function validateRollout(raw: unknown, path = "rollout"): { rollout?: RolloutSpec; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const add = (p: string, message: string) => problems.push({ path: p, message: `${p} ${message}` });
  if (raw === undefined || raw === null) return { problems };
  if (!isPlainObject(raw)) {
    add(path, `must be an object with \`waves\` (lists of cluster names) or \`batchSize\` (a number), and optionally \`pauseSeconds\`; not ${describeValue(raw)}`);
    return { problems };
  }
  for (const k of Object.keys(raw)) {
    if (!(ROLLOUT_FIELDS as readonly string[]).includes(k)) add(fieldPath(path, k), `is not a rollout field; valid fields: ${ROLLOUT_FIELDS.join(", ")}`);
  }
  const spec: RolloutSpec = {};
  const wavesRaw = raw.waves;
  if (wavesRaw !== undefined && wavesRaw !== null) {
    const at = fieldPath(path, "waves");
    if (!Array.isArray(wavesRaw) || wavesRaw.length === 0) {
      add(at, `must be a non-empty list of waves, each a non-empty list of cluster names (e.g. [["member1"], ["member2", "member3"]]), not ${describeValue(wavesRaw)}`);
    } else {
      const waves: string[][] = [];
      wavesRaw.forEach((w, i) => {
        if (!Array.isArray(w) || w.length === 0) {
          const hint = typeof w === "string" ? `; write [${JSON.stringify(w)}]` : "";
          add(`${at}[${i}]`, `must be a non-empty list of cluster names, not ${describeValue(w)}${hint}`);
          return;
        }
        const names: string[] = [];
        w.forEach((n, j) => {
          const p = clusterNameProblem(n);
          if (p) add(`${at}[${i}][${j}]`, p);
          else names.push(n as string);
        });
        waves.push(names);
      });
      spec.waves = waves;
    }
  }
  const batchRaw = raw.batchSize;
  if (batchRaw !== undefined && batchRaw !== null) {
    const at = fieldPath(path, "batchSize");
    if (typeof batchRaw !== "number" || !Number.isInteger(batchRaw) || batchRaw < 1) {
      const hint = typeof batchRaw === "string" && batchRaw.trim() !== "" && Number.isFinite(Number(batchRaw)) ? `; ${NUMBER_HINT}` : "";
      add(at, `must be a whole number of clusters per wave, at least 1, not ${describeValue(batchRaw)}${hint}`);
    } else {
      spec.batchSize = batchRaw;
    }
  }
  const pauseRaw = raw.pauseSeconds;
  if (pauseRaw !== undefined && pauseRaw !== null) {
    const at = fieldPath(path, "pauseSeconds");
    if (typeof pauseRaw !== "number" || !Number.isFinite(pauseRaw) || pauseRaw < 0) {
      const hint = typeof pauseRaw === "string" && pauseRaw.trim() !== "" && Number.isFinite(Number(pauseRaw)) ? `; ${NUMBER_HINT}` : "";
      add(at, `must be a number of seconds, 0 or more, not ${describeValue(pauseRaw)}${hint}`);
    } else {
      spec.pauseSeconds = pauseRaw;
    }
  }
  const hasWaves = wavesRaw !== undefined && wavesRaw !== null;
  const hasBatch = batchRaw !== undefined && batchRaw !== null;
  if (hasWaves && hasBatch) {
    add(path, "sets both `waves` and `batchSize`; give one: `waves` for explicit groups, or `batchSize` for groups of that size in placement order");
  } else if (!hasWaves && !hasBatch) {
    add(path, "needs `waves` (explicit groups of clusters) or `batchSize` (groups of that size in placement order)");
  }
  return problems.length > 0 ? { problems } : { rollout: spec, problems };
}

/**
 * The waves over the target clusters, in rollout order.
 *
 * * `waves`: as given (each wave in its own order), after checking that every target is in exactly
 *   one wave. Names that are not targets are allowed: they may be clusters leaving the placement
 *   (see {@link RolloutSpec.waves}); {@link planRollout} reports those that are neither.
 * * `batchSize`: consecutive groups of `targets` in their order.
 *
 * @param rollout a validated spec.
 * @param targets the target clusters, in placement order (a selector's matches in name order).
 * @param path field path for messages.
 */
export function targetWaves(rollout: RolloutSpec, targets: string[], path = "rollout"): { waves: string[][]; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  if (rollout.batchSize !== undefined) {
    const waves: string[][] = [];
    for (let i = 0; i < targets.length; i += rollout.batchSize) waves.push(targets.slice(i, i + rollout.batchSize));
    return { waves, problems };
  }
  const waves = (rollout.waves ?? []).map((w) => [...w]);
  const at = fieldPath(path, "waves");
  const seen = new Map<string, number>();
  const repeated = new Set<string>();
  waves.forEach((w, i) => w.forEach((c) => {
    if (seen.has(c)) repeated.add(c);
    else seen.set(c, i);
  }));
  if (repeated.size > 0) {
    problems.push({ path: at, message: `${at} names ${[...repeated].map((c) => JSON.stringify(c)).join(", ")} more than once; every cluster must be in exactly one wave` });
  }
  const missing = targets.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    problems.push({
      path: at,
      message: `${at} does not name ${missing.map((c) => JSON.stringify(c)).join(", ")}, which the placement targets; every target cluster ` +
        `must be in exactly one wave (targets: ${targets.join(", ") || "none"})`,
    });
  }
  return { waves, problems };
}
