/**
 * A Helm chart as far as values are concerned: its `Chart.yaml` (name, version, dependencies with
 * alias/condition/tags), `values.yaml`, `values.schema.json`, the `.Values` paths its templates
 * read, and its subcharts (directories under `charts/` or packaged `charts/*.tgz`), recursively.
 */
import * as YAML from "yaml";
import { ArchiveLimits, ChartArchiveError, DEFAULT_ARCHIVE_LIMITS, readArchive } from "./archive";

/** One entry of `dependencies` in Chart.yaml. */
export interface ChartDependency {
  /** Chart name of the subchart. */
  name: string;
  /** The key the subchart's values live under in the parent instead of `name`. */
  alias?: string;
  /** Dotted values path(s) that enable the subchart (`a.enabled,b.enabled`). */
  condition?: string;
  /** Tag names (`tags.<tag>` values enable the subchart). */
  tags?: string[];
}

/** A loaded chart. */
export interface Chart {
  /** `name` of Chart.yaml. */
  name: string;
  /** `version` of Chart.yaml. */
  version: string;
  /** `values.yaml` (empty object when absent). */
  values: Record<string, unknown>;
  /** `values.schema.json`, if the chart has one. */
  schema?: Record<string, unknown>;
  /** Chart.yaml `dependencies`. */
  dependencies: ChartDependency[];
  /** Subcharts by chart name. */
  subcharts: Chart[];
  /** `.Values.a.b` paths read by the chart's own templates, as key lists. */
  templateRefs: string[][];
  /** Where it came from, for messages, e.g. `devops-1.1.2.tgz, charts/agent`. */
  origin: string;
}

/** Helm reads values with a YAML 1.1 parser (`yes`/`on` are booleans); so do we. */
export const HELM_YAML_OPTIONS = { version: "1.1", merge: true, uniqueKeys: false } as const;

const VALUES_REF = /\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Strips the archive's top folder (`devops/Chart.yaml` → `Chart.yaml`) when the root has no Chart.yaml. */
function chartRoot(files: Map<string, Buffer>, origin: string): Map<string, Buffer> {
  if (files.has("Chart.yaml")) return files;
  const tops = new Set([...files.keys()].map((p) => p.split("/")[0]));
  const candidates = [...tops].filter((t) => files.has(`${t}/Chart.yaml`));
  if (candidates.length !== 1) {
    throw new ChartArchiveError(`${origin}: no Chart.yaml ${candidates.length > 1 ? `in exactly one top folder (found in ${candidates.join(", ")})` : "at the top or in a single top folder"}; not a Helm chart`);
  }
  const prefix = `${candidates[0]}/`;
  const out = new Map<string, Buffer>();
  for (const [p, b] of files) if (p.startsWith(prefix)) out.set(p.slice(prefix.length), b);
  return out;
}

function parseYamlFile(files: Map<string, Buffer>, file: string, origin: string): unknown {
  const buf = files.get(file);
  if (!buf) return undefined;
  const doc = YAML.parseDocument(buf.toString("utf8"), HELM_YAML_OPTIONS);
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw new ChartArchiveError(`${origin}: ${file} does not parse as YAML${pos ? ` at line ${pos.line}` : ""}: ${err.message.split("\n")[0]}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // yaml refuses excessive alias expansion (a resource-exhaustion attack) with an error of its own.
    throw new ChartArchiveError(`${origin}: ${file} cannot be read: ${(e as Error).message}`);
  }
}

function parseDependencies(raw: unknown, origin: string): ChartDependency[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ChartArchiveError(`${origin}: Chart.yaml dependencies must be a list`);
  return raw.filter(isMap).filter((d) => typeof d.name === "string").map((d) => ({
    name: d.name as string,
    ...(typeof d.alias === "string" && d.alias !== "" ? { alias: d.alias } : {}),
    ...(typeof d.condition === "string" && d.condition !== "" ? { condition: d.condition } : {}),
    ...(Array.isArray(d.tags) ? { tags: d.tags.filter((t): t is string => typeof t === "string") } : {}),
  }));
}

/**
 * Loads a chart from its files (paths relative to the archive or to the chart folder).
 *
 * @param files file contents by path
 * @param origin names the chart in messages
 * @param limits caps for nested subchart archives
 * @throws ChartArchiveError when the files are not a readable chart
 */
export async function loadChart(files: Map<string, Buffer>, origin: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS, depth = 0): Promise<Chart> {
  if (depth > 5) throw new ChartArchiveError(`${origin}: subcharts nested more than 5 levels deep; refused`);
  const root = chartRoot(files, origin);
  const meta = parseYamlFile(root, "Chart.yaml", origin);
  if (!isMap(meta) || typeof meta.name !== "string") throw new ChartArchiveError(`${origin}: Chart.yaml has no name; not a Helm chart`);
  const values = parseYamlFile(root, "values.yaml", origin) ?? {};
  if (!isMap(values)) throw new ChartArchiveError(`${origin}: values.yaml must be a mapping`);
  let schema: Record<string, unknown> | undefined;
  const schemaBuf = root.get("values.schema.json");
  if (schemaBuf) {
    try {
      const parsed = JSON.parse(schemaBuf.toString("utf8")) as unknown;
      if (!isMap(parsed)) throw new Error("not a JSON object");
      schema = parsed;
    } catch (e) {
      throw new ChartArchiveError(`${origin}: values.schema.json is not valid JSON: ${(e as Error).message}`);
    }
  }
  const refs: string[][] = [];
  const seen = new Set<string>();
  for (const [p, b] of root) {
    if (!p.startsWith("templates/")) continue;
    for (const m of b.toString("utf8").matchAll(VALUES_REF)) {
      if (seen.has(m[1])) continue;
      seen.add(m[1]);
      refs.push(m[1].slice(1).split("."));
    }
  }
  // Subcharts: each folder charts/<x>/ holding a Chart.yaml, and each packaged charts/<x>.tgz.
  const subcharts: Chart[] = [];
  const subDirs = new Set<string>();
  for (const p of root.keys()) {
    const m = /^charts\/([^/]+)\/Chart\.yaml$/.exec(p);
    if (m) subDirs.add(m[1]);
  }
  for (const dir of [...subDirs].sort()) {
    const prefix = `charts/${dir}/`;
    const sub = new Map<string, Buffer>();
    for (const [p, b] of root) if (p.startsWith(prefix)) sub.set(p.slice(prefix.length), b);
    subcharts.push(await loadChart(sub, `${origin}, ${prefix.slice(0, -1)}`, limits, depth + 1));
  }
  for (const [p, b] of root) {
    if (!/^charts\/[^/]+\.tgz$/.test(p)) continue;
    const nested = await readArchive(b, `${origin}, ${p}`, limits);
    subcharts.push(await loadChart(nested, `${origin}, ${p}`, limits, depth + 1));
  }
  return {
    name: meta.name,
    version: typeof meta.version === "string" ? meta.version : String(meta.version ?? ""),
    values, ...(schema ? { schema } : {}),
    dependencies: parseDependencies(meta.dependencies, origin),
    subcharts, templateRefs: refs, origin,
  };
}

/**
 * Reads and loads a chart archive.
 *
 * @param data the `.tgz` bytes
 * @param archiveName names the archive in messages
 * @param limits caps (default {@link DEFAULT_ARCHIVE_LIMITS})
 * @throws ChartArchiveError
 */
export async function loadChartArchive(data: Buffer, archiveName: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<Chart> {
  return loadChart(await readArchive(data, archiveName, limits), archiveName, limits);
}
