/**
 * The one entry point for preview: checks an extension's `config` and per-cluster overrides against
 * the chart of the version being installed (and, on a version change, against the version installed
 * now). Pure except for the `ChartSource` it is given.
 */
import { ConfigFinding } from "./findings";
import { checkSchemas } from "./schemaCheck";
import type { ChartSource } from "./source";
import { checkStructure } from "./structureCheck";
import { upgradeFindings } from "./upgrade";
import { hasPath, parseUserValues, toPlain, UserNode } from "./userValues";
import { mergeValues } from "./valuesModel";

/** What to check. */
export interface ChartConfigCheckInput {
  /** Where charts come from; without one nothing is checked (and the note says so). */
  source?: ChartSource;
  /** Extension name, e.g. `devops`. */
  extension: string;
  /** Version to be installed, e.g. `1.1.2`. */
  version: string;
  /** Version installed now, when it differs: adds the upgrade view. */
  previousVersion?: string;
  /** `spec.config` as YAML text (the text the InstallPlan carries; lines refer to it). */
  configYaml?: string;
  /** Per-cluster override YAML text by cluster name. */
  overridesYaml?: Record<string, string>;
  /** `strictConfig`: warnings become errors. */
  strict?: boolean;
}

/** The outcome. */
export interface ChartConfigCheckResult {
  /** Whether the chart was read and the values checked. */
  checked: boolean;
  /** Where the chart came from (or which source was asked). */
  sourceDescription: string;
  /** Errors, warnings and upgrade notices, by cluster (config first) and line. */
  findings: ConfigFinding[];
  /** Why something was not checked (no source, unreadable chart, unparsable YAML). */
  note?: string;
}

function requireString(v: unknown, field: string, optional = false): void {
  if (v === undefined && optional) return;
  if (typeof v !== "string" || (!optional && v === "")) {
    throw new TypeError(`checkChartConfig: ${field} must be a ${optional ? "" : "non-empty "}string, got ${v === null ? "null" : typeof v}`);
  }
}

/**
 * Checks config and overrides against the chart.
 *
 * @param input what to check (see {@link ChartConfigCheckInput})
 * @throws TypeError when an input field has the wrong type (named in the message)
 */
export async function checkChartConfig(input: ChartConfigCheckInput): Promise<ChartConfigCheckResult> {
  requireString(input.extension, "extension");
  requireString(input.version, "version");
  requireString(input.previousVersion, "previousVersion", true);
  requireString(input.configYaml, "configYaml", true);
  if (input.overridesYaml !== undefined) {
    if (input.overridesYaml === null || typeof input.overridesYaml !== "object" || Array.isArray(input.overridesYaml)) {
      throw new TypeError("checkChartConfig: overridesYaml must be an object of cluster name to YAML text");
    }
    for (const [c, t] of Object.entries(input.overridesYaml)) requireString(t, `overridesYaml[${JSON.stringify(c)}]`, false);
  }
  if (input.strict !== undefined && typeof input.strict !== "boolean") {
    throw new TypeError(`checkChartConfig: strict must be a boolean, got ${typeof input.strict} (${JSON.stringify(input.strict)})`);
  }
  const { source, extension, version } = input;
  const what = `${extension} ${version}`;
  if (!source) return { checked: false, sourceDescription: "(none)", findings: [], note: `config of ${what} not checked against its chart: no chart source (give chart archives offline, or a cluster)` };
  const load = await source.load(extension, version);
  if (!load.ok) return { checked: false, sourceDescription: source.description, findings: [], note: `config of ${what} not checked against its chart: ${load.reason}` };

  const notes: string[] = [];
  const docs: Array<{ cluster?: string; root: UserNode }> = [];
  const parse = (text: string | undefined, cluster?: string) => {
    if (text === undefined || text.trim() === "") return;
    const parsed = parseUserValues(text);
    if (parsed.ok) docs.push({ ...(cluster !== undefined ? { cluster } : {}), root: parsed.root });
    else notes.push(`${cluster === undefined ? "config" : `override of ${cluster}`} not checked: it ${parsed.problem}`);
  };
  parse(input.configYaml);
  for (const [cluster, text] of Object.entries(input.overridesYaml ?? {}).sort(([a], [b]) => a.localeCompare(b))) parse(text, cluster);

  const findings: ConfigFinding[] = [];
  const config = docs.find((d) => d.cluster === undefined);
  const configPlain = (config ? toPlain(config.root) : {}) as Record<string, unknown>;
  for (const d of docs) {
    findings.push(...checkStructure(load.model, d.root, d.cluster));
    if (d.cluster === undefined) {
      findings.push(...checkSchemas(load.validators, configPlain, d.root, () => true));
    } else {
      // The controller deep-merges the override over config; report what the override itself causes.
      const merged = mergeValues(configPlain, toPlain(d.root)) as Record<string, unknown>;
      const own = d.root;
      findings.push(...checkSchemas(load.validators, merged, own, (p) => hasPath(own, p), d.cluster));
    }
  }
  if (input.previousVersion !== undefined && input.previousVersion !== version) {
    const prev = await source.load(extension, input.previousVersion);
    if (prev.ok) {
      for (const d of docs) {
        const up = upgradeFindings(prev.model, load.model, d.root, d.cluster);
        // A key removed by the upgrade is reported once, by the upgrade view, which says more.
        const removed = new Set(up.filter((f) => f.severity === "warning").map((f) => `${f.cluster ?? ""}\u0000${f.path}`));
        for (let i = findings.length - 1; i >= 0; i--) {
          const f = findings[i];
          if (f.message.startsWith("unknown key") && removed.has(`${f.cluster ?? ""}\u0000${f.path}`)) findings.splice(i, 1);
        }
        findings.push(...up);
      }
    }
    else notes.push(`upgrade from ${input.previousVersion} not compared: ${prev.reason}`);
  }
  const final = input.strict
    ? findings.map((f) => (f.severity === "warning" ? { ...f, severity: "error" as const, message: `${f.message} (strictConfig)` } : f))
    : findings;
  const rank = { error: 0, warning: 1, info: 2 };
  final.sort((a, b) => (a.cluster ?? "").localeCompare(b.cluster ?? "") || (a.line ?? 0) - (b.line ?? 0) || rank[a.severity] - rank[b.severity] || a.path.localeCompare(b.path));
  return { checked: true, sourceDescription: load.from, findings: final, ...(notes.length ? { note: notes.join("; ") } : {}) };
}

/** One line per finding: `warning: line 3: unknown key … (cluster member1)`. */
export function formatFinding(f: ConfigFinding): string {
  const where = [f.cluster !== undefined ? `override of ${f.cluster}` : "config", f.line !== undefined ? `line ${f.line}` : undefined].filter(Boolean).join(", ");
  return `${f.severity}: ${where}: ${f.message}`;
}
