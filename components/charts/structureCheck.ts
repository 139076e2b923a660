/**
 * Checks the user's values against the shape of the chart's defaults: unknown keys where the
 * defaults define a closed map (with a nearest-name or moved-key suggestion) and type mismatches
 * (a map given a scalar, a list given a map, a quoted "true" for a boolean). Free-form places are
 * left alone: empty maps and lists in the defaults, null defaults, the well-known open fields, lists,
 * and anything below a path the templates read but the defaults do not define.
 */
import { ConfigFinding, formatPath, nearestName } from "./findings";
import type { UserNode } from "./userValues";
import { isMap, OPEN_FIELDS, pathKey, ValuesModel } from "./valuesModel";

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return "list";
  if (isMap(v)) return "map";
  return typeof v === "string" ? "string" : typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "scalar";
}

function userKind(n: UserNode): string {
  return n.kind === "scalar" ? kindOf(n.value) : n.kind;
}

/** Where else in the defaults a key exists (for keys indented one level off), nearest first. */
function elsewhere(model: ValuesModel, at: string[], key: string, limit = 2): string[] {
  const found: string[][] = [];
  const walk = (node: unknown, path: string[], depth: number) => {
    if (!isMap(node) || depth > 8) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === key && (path.length !== at.length || path.some((p, i) => p !== at[i]))) found.push([...path, k]);
      walk(v, [...path, k], depth + 1);
    }
  };
  // Below the current path first (a level was skipped), then everywhere (a level too many).
  let node: unknown = model.defaults;
  for (const k of at) node = isMap(node) ? node[k] : undefined;
  walk(node, [...at], 0);
  if (found.length === 0) walk(model.defaults, [], 0);
  found.sort((a, b) => a.length - b.length);
  return found.slice(0, limit).map(formatPath);
}

/**
 * Reports unknown keys and type mismatches of one values document.
 *
 * @param model the chart's values model
 * @param root the user's values (a map)
 * @param cluster the cluster whose override this is, if any (copied into each finding)
 */
export function checkStructure(model: ValuesModel, root: UserNode, cluster?: string): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const push = (f: Omit<ConfigFinding, "cluster">) => findings.push(cluster === undefined ? f : { ...f, cluster });

  const walk = (path: string[], u: UserNode, d: unknown, line: number | undefined) => {
    if (u.kind === "scalar" && u.value === null) return; // null unsets a default in Helm
    if (model.openPaths.has(pathKey(path))) return;
    if (d === null || d === undefined) return; // a null default takes anything
    const where = formatPath(path);
    const last = path[path.length - 1];
    if (isMap(d)) {
      if (u.kind !== "map") {
        const keys = Object.keys(d);
        push({
          severity: "warning", path: where, line,
          message: `${where} is a map in the chart's defaults${keys.length ? ` (keys: ${keys.slice(0, 5).join(", ")}${keys.length > 5 ? ", …" : ""})` : ""}, but the config gives a ${userKind(u)}; Helm would replace the whole map and the chart's templates expect keys below it`,
        });
        return;
      }
      if (Object.keys(d).length === 0 || (last !== undefined && OPEN_FIELDS.has(last))) return;
      const extra = model.extraKeys.get(pathKey(path));
      for (const e of u.entries) {
        const childPath = [...path, e.key];
        if (e.key in d) { walk(childPath, e.value, d[e.key], e.line); continue; }
        if (extra?.has(e.key) || model.openPaths.has(pathKey(childPath))) continue;
        if (path.length === 0 && e.key === "global") continue;
        const candidates = [...Object.keys(d), ...(extra ?? [])];
        const near = nearestName(e.key, candidates);
        const moved = near === undefined ? elsewhere(model, path, e.key) : [];
        const hint = near !== undefined
          ? `; did you mean \`${formatPath([...path, near])}\`?`
          : moved.length > 0
            ? `; the chart has it at ${moved.map((m) => `\`${m}\``).join(" and ")} (indented at the wrong level?)`
            : `; keys the chart defines ${path.length ? `under ${where}` : "at the top level"}: ${candidates.slice(0, 12).join(", ")}${candidates.length > 12 ? ", …" : ""}`;
        push({
          severity: "warning", path: formatPath(childPath), line: e.line,
          message: `unknown key ${formatPath(childPath)}: ${model.chart} ${model.version} does not define it, so Helm ignores it${hint}`,
        });
      }
      return;
    }
    if (Array.isArray(d)) {
      if (u.kind !== "list") {
        push({ severity: "warning", path: where, line, message: `${where} is a list in the chart's defaults, but the config gives a ${userKind(u)}; give a YAML list (- item)` });
      }
      return; // list items are free-form
    }
    // A scalar default.
    if (u.kind !== "scalar") {
      push({ severity: "warning", path: where, line, message: `${where} is a ${kindOf(d)} in the chart's defaults (${JSON.stringify(d)}), but the config gives a ${u.kind}` });
      return;
    }
    if (typeof d === "boolean" && typeof u.value === "string" && /^(true|false|yes|no|on|off)$/i.test(u.value)) {
      push({
        severity: "warning", path: where, line,
        message: `${where} is the string ${JSON.stringify(u.value)}, but the chart's default is the boolean ${d}; in a template any non-empty string is true — write ${u.value.toLowerCase() === "true" || /^(yes|on)$/i.test(u.value) ? "true" : "false"} without quotes`,
      });
    }
  };
  if (root.kind === "map") walk([], root, model.defaults, undefined);
  return findings;
}
