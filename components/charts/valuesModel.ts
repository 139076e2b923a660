/**
 * What a chart accepts as values: its defaults merged with its subcharts' defaults the way Helm
 * merges them (a subchart's values live under its alias or name, the parent's values win, `global`
 * is shared by every chart), plus what the defaults alone do not show — `.Values` paths the
 * templates read, dependency conditions and tags — and the JSON schemas of every chart in the tree.
 */
import type { Chart } from "./chart";

/** A `values.schema.json` and where its chart's values live in the merged values. */
export interface SchemaAt {
  /** Key path of the chart's values in the root's values (`[]` for the root chart). */
  path: string[];
  /** The JSON schema. */
  schema: Record<string, unknown>;
  /** The chart, for messages (e.g. `kube-prometheus-stack 58.2.1`). */
  chart: string;
}

/** The values model of one chart version. */
export interface ValuesModel {
  /** Chart name. */
  chart: string;
  /** Chart version. */
  version: string;
  /** Merged defaults (root values, subchart defaults under their keys, the union of `global`). */
  defaults: Record<string, unknown>;
  /** Keys known at a path although absent from the defaults (template refs, conditions, tags), by {@link pathKey} of the parent. */
  extraKeys: Map<string, Set<string>>;
  /** Paths below which anything is accepted (read by templates but without a default map), by {@link pathKey}. */
  openPaths: Set<string>;
  /** Schemas of the root and every subchart that has one. */
  schemas: SchemaAt[];
}

/**
 * Keys whose content is free-form by Kubernetes convention (label and annotation maps, scheduling,
 * resources, extra env/args/volumes): unknown keys below them are never reported.
 */
export const OPEN_FIELDS: ReadonlySet<string> = new Set([
  "annotations", "labels", "podAnnotations", "podLabels", "commonLabels", "additionalLabels", "serviceAnnotations",
  "nodeSelector", "tolerations", "affinity", "topologySpreadConstraints", "resources",
  "securityContext", "podSecurityContext", "containerSecurityContext",
  "env", "envFrom", "extraEnv", "extraEnvs", "extraEnvVars", "extraArgs", "extraVolumes", "extraVolumeMounts",
  "extraContainers", "initContainers", "extraInitContainers", "sidecars", "extraObjects", "extraManifests",
]);

/** Identity of a key path, safe for keys holding dots. */
export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

/** Whether a value is a plain mapping. */
export function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A deep copy of plain YAML data. */
export function cloneValues<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/**
 * Helm's coalescing of two value maps: `top` wins, maps merge recursively, a `null` in `top` deletes
 * the key (Helm's way to unset a default).
 */
export function mergeValues(base: unknown, top: unknown): unknown {
  if (!isMap(base) || !isMap(top)) return top === undefined ? cloneValues(base) : cloneValues(top);
  const out: Record<string, unknown> = cloneValues(base);
  for (const [k, v] of Object.entries(top)) {
    if (v === null) delete out[k];
    else out[k] = k in out ? mergeValues(out[k], v) : cloneValues(v);
  }
  return out;
}

/** Like {@link mergeValues} but keeps `null`s of `top` (for the defaults view, where null is a documented "unset"). */
function mergeDefaults(base: unknown, top: unknown): unknown {
  if (!isMap(base) || !isMap(top)) return top === undefined ? cloneValues(base) : cloneValues(top);
  const out: Record<string, unknown> = cloneValues(base);
  for (const [k, v] of Object.entries(top)) out[k] = k in out ? mergeDefaults(out[k], v) : cloneValues(v);
  return out;
}

/** The keys a subchart's values live under in its parent (each alias, or its name). */
function keysOf(parent: Chart, sub: Chart): string[] {
  const deps = parent.dependencies.filter((d) => d.name === sub.name);
  if (deps.length === 0) return [sub.name];
  return [...new Set(deps.map((d) => d.alias ?? d.name))];
}

/**
 * Builds the values model of a chart.
 *
 * @param chart the loaded root chart
 */
export function buildValuesModel(chart: Chart): ValuesModel {
  const extraKeys = new Map<string, Set<string>>();
  const openPaths = new Set<string>();
  const schemas: SchemaAt[] = [];
  let globals: Record<string, unknown> = {};

  const addKnown = (path: string[]) => {
    const parent = pathKey(path.slice(0, -1));
    if (!extraKeys.has(parent)) extraKeys.set(parent, new Set());
    extraKeys.get(parent)!.add(path[path.length - 1]);
  };

  // Defaults of a chart with its subcharts merged in, globals collected separately.
  const merged = (c: Chart, at: string[]): Record<string, unknown> => {
    const own = cloneValues(c.values);
    if (isMap(own.global)) globals = mergeDefaults(own.global, globals) as Record<string, unknown>; // parents win
    delete own.global;
    if (c.schema) schemas.push({ path: at, schema: c.schema, chart: `${c.name} ${c.version}` });
    for (const d of c.dependencies) {
      for (const cond of (d.condition ?? "").split(",").map((s) => s.trim()).filter(Boolean)) addKnown([...at, ...cond.split(".")]);
    }
    let out: Record<string, unknown> = own;
    for (const sub of c.subcharts) {
      for (const key of keysOf(c, sub)) {
        const subDefaults = merged(sub, [...at, key]);
        // The parent's values for the subchart win over the subchart's own defaults.
        out = { ...out, [key]: mergeDefaults(subDefaults, out[key]) };
        openPaths.add(pathKey([...at, key, "global"]));
      }
    }
    return out;
  };
  // Charts are visited parent first, so a parent's global wins over a subchart's (as in Helm).
  const defaults = merged(chart, []);
  if (Object.keys(globals).length > 0 || "global" in chart.values) defaults.global = globals;

  // Tags enable subcharts from the top-level values.
  const tags = new Set<string>();
  const collectTags = (c: Chart) => { for (const d of c.dependencies) for (const t of d.tags ?? []) tags.add(t); c.subcharts.forEach(collectTags); };
  collectTags(chart);
  for (const t of tags) addKnown(["tags", t]);
  if (tags.size > 0) addKnown(["tags"]);

  // `.Values` paths read by templates: known, and open where the defaults stop.
  const visitRefs = (c: Chart, at: string[]) => {
    for (const ref of c.templateRefs) {
      const full = ref[0] === "global" ? ref : [...at, ...ref];
      let node: unknown = defaults;
      for (let i = 0; i < full.length; i++) {
        const k = full[i];
        if (!isMap(node) || !(k in node)) {
          addKnown(full.slice(0, i + 1));
          openPaths.add(pathKey(full.slice(0, i + 1)));
          break;
        }
        node = node[k];
      }
    }
    for (const sub of c.subcharts) for (const key of keysOf(c, sub)) visitRefs(sub, [...at, key]);
  };
  visitRefs(chart, []);
  return { chart: chart.name, version: chart.version, defaults, extraKeys, openPaths, schemas };
}

/** The default at a key path, or `undefined`. */
export function defaultAt(model: ValuesModel, path: readonly string[]): unknown {
  let node: unknown = model.defaults;
  for (const k of path) {
    if (!isMap(node) || !(k in node)) return undefined;
    node = node[k];
  }
  return node;
}

/**
 * Whether the model knows a key path: present in the defaults, or known from templates,
 * conditions or tags (itself or an ancestor that is open).
 */
export function isKnownPath(model: ValuesModel, path: readonly string[]): boolean {
  let node: unknown = model.defaults;
  for (let i = 0; i < path.length; i++) {
    const k = path[i];
    if (model.openPaths.has(pathKey(path.slice(0, i))) || model.openPaths.has(pathKey(path.slice(0, i + 1)))) return true;
    if (i > 0 && OPEN_FIELDS.has(path[i - 1])) return true;
    if (isMap(node) && k in node) { node = node[k]; continue; }
    if (model.extraKeys.get(pathKey(path.slice(0, i)))?.has(k)) return true;
    // Below an empty map, a list or a null default the chart takes anything.
    if (isMap(node) && Object.keys(node).length === 0) return true;
    if (Array.isArray(node) || node === null) return true;
    return false;
  }
  return true;
}
