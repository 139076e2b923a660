/**
 * Upgrade view: how the defaults differ between two chart versions, and what that means for the
 * user's values — keys that no longer exist in the new chart, and defaults that changed next to (or
 * under) the keys the user sets, i.e. in the sections whose other settings the user relies on.
 */
import { ConfigFinding, formatPath } from "./findings";
import { leafPaths, UserNode } from "./userValues";
import { defaultAt, isKnownPath, isMap, ValuesModel } from "./valuesModel";

/** One difference between two versions' defaults. */
export interface DefaultChange {
  /** Key path. */
  path: string[];
  /** `added` (only in the new version), `removed` (only in the old) or `changed`. */
  change: "added" | "removed" | "changed";
  /** Old default (absent when added). */
  from?: unknown;
  /** New default (absent when removed). */
  to?: unknown;
}

/**
 * The differences of two defaults trees, leaf by leaf (a list or an empty map is one leaf; a map
 * that appears or disappears whole is one change).
 *
 * @param from the older defaults
 * @param to the newer defaults
 */
export function diffDefaults(from: unknown, to: unknown, path: string[] = []): DefaultChange[] {
  if (isMap(from) && isMap(to) && (Object.keys(from).length > 0 || Object.keys(to).length > 0)) {
    const out: DefaultChange[] = [];
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const k of keys) {
      if (!(k in to)) out.push({ path: [...path, k], change: "removed", from: from[k] });
      else if (!(k in from)) out.push({ path: [...path, k], change: "added", to: to[k] });
      else out.push(...diffDefaults(from[k], to[k], [...path, k]));
    }
    return out;
  }
  return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ path, change: "changed", from, to }];
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? "(none)" : s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

const startsWith = (p: readonly string[], prefix: readonly string[]) => prefix.length <= p.length && prefix.every((k, i) => p[i] === k);

/**
 * Findings for the user's values when the version changes.
 *
 * @param from the model of the version installed now
 * @param to the model of the version being installed
 * @param root the user's values (config or one override)
 * @param cluster the cluster of an override
 */
export function upgradeFindings(from: ValuesModel, to: ValuesModel, root: UserNode, cluster?: string): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const c = cluster === undefined ? {} : { cluster };
  const leaves = leafPaths(root);
  for (const leaf of leaves) {
    if (isKnownPath(from, leaf.path) && !isKnownPath(to, leaf.path)) {
      const old = defaultAt(from, leaf.path);
      findings.push({
        severity: "warning", path: formatPath(leaf.path), line: leaf.line, ...c,
        message: `${formatPath(leaf.path)} exists in ${from.chart} ${from.version}${old !== undefined ? ` (default ${show(old)})` : ""} but no longer in ${to.version}; after the upgrade Helm ignores it`,
      });
    }
  }
  // Sections the user configures: the parent map of each key set, and the key itself.
  const changes = diffDefaults(from.defaults, to.defaults);
  const reported = new Set<string>();
  for (const ch of changes) {
    const set = leaves.find((l) => startsWith(ch.path, l.path) || startsWith(l.path, ch.path));
    const sibling = set ? undefined : leaves.find((l) => l.path.length > 1 && startsWith(ch.path, l.path.slice(0, -1)));
    const leaf = set ?? sibling;
    if (!leaf) continue;
    if (ch.change === "removed" && set) continue; // reported above as a key that no longer exists
    const key = JSON.stringify(ch.path);
    if (reported.has(key)) continue;
    reported.add(key);
    const shown = formatPath(ch.path);
    const what = ch.change === "added" ? `new default ${show(ch.to)}` : ch.change === "removed" ? `default ${show(ch.from)} removed` : `default ${show(ch.from)} → ${show(ch.to)}`;
    findings.push({
      severity: "info", path: shown, line: leaf.line, ...c,
      message: set
        ? `${shown}: ${what} from ${from.version} to ${to.version}; your value at ${formatPath(leaf.path)} overrides it`
        : `${shown}: ${what} from ${from.version} to ${to.version}; you set ${formatPath(leaf.path)} next to it and keep this default`,
    });
  }
  return findings;
}
