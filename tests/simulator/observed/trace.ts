/**
 * Normalised InstallPlan watch traces, for comparing the simulator with the recordings of the real
 * KubeSphere controller in `tests/fixtures/observed/` (see the README there).
 *
 * A recorded line (`real<n>/plans.jsonl`) is already a projection of one watch event; the simulator's
 * store events are projected the same way here. Normalisation then removes what differs between
 * any two runs: times (`t`, the `@time` of conditions and stateHistory entries, `del`'s value),
 * resourceVersions and generations, and the random suffix of Job names (`-XXXXXX`).
 *
 * The recorder wrote an event only when its projection differed from the plan's previous one (a
 * metadata-only edit such as `kubectl annotate` left no line; checked: no two consecutive lines of
 * one plan are equal), so {@link dedupe} drops such events from the simulator's trace too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { StoreEvent } from "../../../simulator/store";

/** Directory of the copied recordings. */
export const OBSERVED_DIR = path.resolve(__dirname, "../../fixtures/observed");

/** One recorded line (the recorder's projection of a watch event). */
export interface RecordedEvent {
  t?: string;
  ev: "ADDED" | "MODIFIED" | "DELETED";
  name: string;
  rv?: string;
  gen?: number;
  fin?: string[];
  del?: string;
  spec: { v: string; enabled?: boolean; config?: string };
  state?: string;
  targetNamespace?: string;
  jobName?: string;
  configHash?: string;
  version?: string;
  releaseName?: string;
  enabled?: boolean;
  conditions: string[];
  stateHistory: string[];
  otherStatusKeys: string[];
}

/**
 * The compared form of one event: every field of {@link RecordedEvent} but times and versions,
 * plus the scenario step it happened in (a label, not compared).
 */
export type NormalisedEvent = Omit<RecordedEvent, "t" | "rv" | "gen" | "del"> & { del?: true; scenario?: string };

function comparable(e: NormalisedEvent): Record<string, unknown> {
  const { scenario: _s, ...rest } = e;
  return rest;
}

/** Fields of `status` the recorder printed on their own; the rest are listed in `otherStatusKeys`. */
const STATUS_FIELDS = ["state", "targetNamespace", "jobName", "configHash", "version", "releaseName", "enabled", "conditions", "stateHistory"];

/** Reads `real<n>/plans.jsonl`. */
export function readRecorded(run: string): RecordedEvent[] {
  return fs.readFileSync(path.join(OBSERVED_DIR, run, "plans.jsonl"), "utf8").split("\n").filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as RecordedEvent);
}

/**
 * Reads `real<n>/marks.log` (`<ISO time> <text>`) and returns the scenario steps (lines whose text
 * starts with a step id such as `S4b` or `E1`) with their start times.
 */
export function readMarks(run: string): Array<{ at: number; scenario: string }> {
  return fs.readFileSync(path.join(OBSERVED_DIR, run, "marks.log"), "utf8").split("\n")
    .map((l) => /^(\S+) ([A-Z]\d+[a-z]?) /u.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ at: Date.parse(m[1]), scenario: m[2] }));
}

/** The recorded trace of a run, normalised, each event labelled with the step it happened in. */
export function recordedTrace(run: string): NormalisedEvent[] {
  const marks = readMarks(run);
  return readRecorded(run).map((e) => {
    const at = Date.parse(e.t ?? "");
    const step = [...marks].reverse().find((m) => m.at <= at);
    return { ...normalise(e), scenario: step?.scenario ?? "?" };
  });
}

/** Projects a store event of an InstallPlan the way the recorder projected watch events. */
export function projectStoreEvent(e: StoreEvent): RecordedEvent {
  const o = e.object as unknown as {
    metadata: { name: string; finalizers?: string[]; deletionTimestamp?: string; resourceVersion?: string; generation?: number };
    spec: { extension: { version: string }; enabled?: boolean; config?: string };
    status?: Record<string, unknown> & {
      conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }>;
      stateHistory?: Array<{ state: string; lastTransitionTime?: string }>;
    };
  };
  const s = o.status ?? {};
  const out: RecordedEvent = {
    ev: e.type, name: o.metadata.name,
    spec: { v: o.spec.extension.version, ...(o.spec.enabled !== undefined ? { enabled: o.spec.enabled } : {}), ...(o.spec.config !== undefined ? { config: o.spec.config } : {}) },
    conditions: (s.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason ?? ""}/${c.message ?? ""}@${c.lastTransitionTime ?? ""}`),
    stateHistory: (s.stateHistory ?? []).map((h) => `${h.state}@${h.lastTransitionTime ?? ""}`),
    otherStatusKeys: Object.keys(s).filter((k) => !STATUS_FIELDS.includes(k)).sort(),
  };
  if ((o.metadata.finalizers ?? []).length > 0) out.fin = [...o.metadata.finalizers!];
  if (o.metadata.deletionTimestamp) out.del = o.metadata.deletionTimestamp;
  for (const k of ["state", "targetNamespace", "jobName", "configHash", "version", "releaseName"] as const) {
    if (typeof s[k] === "string" && s[k] !== "") out[k] = s[k] as string;
  }
  if (s.enabled === true) out.enabled = true;
  return out;
}

/** Removes times, versions and random suffixes. */
export function normalise(e: RecordedEvent): NormalisedEvent {
  const { t: _t, rv: _rv, gen: _gen, del, ...rest } = e;
  const out: NormalisedEvent = {
    ...rest,
    conditions: e.conditions.map((c) => c.replace(/@[^@]*$/u, "")),
    stateHistory: e.stateHistory.map((h) => h.replace(/@[^@]*$/u, "")),
  };
  if (del !== undefined) out.del = true;
  if (out.jobName) out.jobName = out.jobName.replace(/-[bcdfghjklmnpqrstvwxz2456789]{6}$/u, "-XXXXXX");
  return out;
}

/** Drops events whose normalised projection equals the same plan's previous one. */
export function dedupe(events: NormalisedEvent[]): NormalisedEvent[] {
  const last = new Map<string, string>();
  return events.filter((e) => {
    const key = JSON.stringify(comparable(e));
    if (last.get(e.name) === key) return false;
    last.set(e.name, key);
    return true;
  });
}

/** One line of a difference report. */
export interface TraceDifference {
  /** Plan name. */
  plan: string;
  /** Scenario step of the recorded event (or of the simulated one when nothing was recorded). */
  scenario: string;
  /** Index of the event in the plan's sequence (0-based). */
  index: number;
  /** `recorded` and `simulated` field values that differ (field `event` when one side has no event). */
  fields: Array<{ field: string; recorded: unknown; simulated: unknown }>;
}

/**
 * Compares two traces plan by plan, event by event (the order of events of different plans is
 * not compared: it depends on timing the recordings do not pin down). Each differing event counts
 * once, with the fields that differ.
 */
export function compareTraces(recorded: NormalisedEvent[], simulated: NormalisedEvent[]): TraceDifference[] {
  const plans = [...new Set([...recorded, ...simulated].map((e) => e.name))];
  const diffs: TraceDifference[] = [];
  for (const plan of plans) {
    const r = recorded.filter((e) => e.name === plan);
    const s = simulated.filter((e) => e.name === plan);
    for (let i = 0; i < Math.max(r.length, s.length); i++) {
      if (!r[i] || !s[i]) {
        const scenario = (r[i] ?? s[i]).scenario ?? "?";
        diffs.push({ plan, scenario, index: i, fields: [{ field: "event", recorded: r[i] && summary(r[i]), simulated: s[i] && summary(s[i]) }] });
        continue;
      }
      const a = comparable(r[i]);
      const b = comparable(s[i]);
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      const fields = keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).map((k) => ({ field: k, recorded: a[k], simulated: b[k] }));
      if (fields.length > 0) diffs.push({ plan, scenario: r[i].scenario ?? "?", index: i, fields });
    }
  }
  return diffs;
}

/** A one-line description of an event (for reports). */
export function summary(e: NormalisedEvent): string {
  return `${e.ev} v=${e.spec.v} st=${e.state ?? "-"} job=${e.jobName ?? "-"} hash=${e.configHash ?? "-"} ver=${e.version ?? "-"} en=${e.enabled ?? "-"} del=${e.del ?? "-"} hist=[${e.stateHistory.join(",")}]`;
}

/** A readable multi-line report. */
export function formatDifferences(diffs: TraceDifference[]): string {
  return diffs.map((d) => `  [${d.scenario}] ${d.plan}#${d.index}: ${d.fields.map((f) => `${f.field}: recorded ${JSON.stringify(f.recorded)} / simulated ${JSON.stringify(f.simulated)}`).join("; ")}`).join("\n");
}
