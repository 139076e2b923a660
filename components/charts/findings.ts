/** What a chart-config check reports, and how key paths are written in messages. */

/** One problem (or, for upgrades, one notice) about the user's values. */
export interface ConfigFinding {
  /**
   * `error` blocks the preview; `warning` is shown (and becomes an error with `strictConfig`);
   * `info` is a notice (a default that changed between versions) and never blocks.
   */
  severity: "error" | "warning" | "info";
  /** The key path, e.g. `kube-prometheus-stack.prometheus.agentMode`. */
  path: string;
  /** 1-based line in the user's YAML (of `config`, or of the cluster's override). */
  line?: number;
  /** The cluster whose override holds the key; absent for `config`. */
  cluster?: string;
  /** What is wrong and what would be valid. */
  message: string;
}

/** Writes a key path as `a.b["x.y"][0]`: plain keys dotted, others quoted, list indexes in brackets. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const k of path) {
    if (typeof k === "number") out += `[${k}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(k)) out += out === "" ? k : `.${k}`;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out === "" ? "(top level)" : out;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...new Array<number>(t.length).fill(0)]);
  for (let j = 0; j <= t.length; j++) d[0][j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

/** The closest candidate within a typo's reach (about a third of the key's length), or `undefined`. */
export function nearestName(key: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(key, c);
    if (dist < bestD || (dist === bestD && best !== undefined && c < best)) { best = c; bestD = dist; }
  }
  if (best === undefined) return undefined;
  const reach = Math.max(1, Math.min(3, Math.floor(Math.max(key.length, best.length) / 3)));
  return bestD <= reach ? best : undefined;
}
