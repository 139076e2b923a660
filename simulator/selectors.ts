/**
 * Label and field selectors: the query-string syntax (`a=b,c in (d,e),!f`) the API server parses,
 * and the `metav1.LabelSelector` object (`matchLabels` / `matchExpressions`) that
 * `clusterScheduling.placement.clusterSelector` uses. Pure functions.
 */
import type { LabelSelector } from "../components/kubesphere/types";
import { matchesSelector } from "../components/kubesphere/clusters";

/** One parsed requirement of a label or field selector. */
export interface Requirement {
  /** Label key or field path. */
  key: string;
  /** Comparison. */
  operator: "=" | "!=" | "in" | "notin" | "exists" | "!exists";
  /** Values compared against (one for `=`/`!=`, none for existence). */
  values: string[];
}

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/**
 * Parses a label selector string. Throws an Error whose message is suitable for a 400 response
 * when the syntax is wrong.
 */
export function parseLabelSelector(text: string): Requirement[] {
  return splitTop(text).map((part) => {
    let m = /^([A-Za-z0-9._\/-]+)\s+(in|notin)\s+\(([^)]*)\)$/u.exec(part);
    if (m) {
      const values = m[3].split(",").map((v) => v.trim()).filter((v) => v !== "");
      return { key: m[1], operator: m[2] as "in" | "notin", values };
    }
    m = /^([A-Za-z0-9._\/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/u.exec(part);
    if (m) return { key: m[1], operator: m[2] === "!=" ? "!=" : "=", values: [m[3]] };
    m = /^!\s*([A-Za-z0-9._\/-]+)$/u.exec(part);
    if (m) return { key: m[1], operator: "!exists", values: [] };
    m = /^([A-Za-z0-9._\/-]+)$/u.exec(part);
    if (m) return { key: m[1], operator: "exists", values: [] };
    throw new Error(`unable to parse requirement: "${part}"`);
  });
}

/** True when `labels` satisfy every requirement. */
export function matchesRequirements(requirements: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.operator) {
      case "=": return has && v === r.values[0];
      case "!=": return !has || v !== r.values[0];
      case "in": return has && r.values.includes(v);
      case "notin": return !has || !r.values.includes(v);
      case "exists": return has;
      case "!exists": return !has;
    }
    return false;
  });
}

/** Fields every kind supports in a field selector (the only ones the simulator serves). */
export const SUPPORTED_FIELDS = ["metadata.name", "metadata.namespace"] as const;

/**
 * Parses a field selector (`metadata.name=x`, `metadata.name!=y`). Only {@link SUPPORTED_FIELDS}
 * are allowed unless `anyField` is set (Events accept `involvedObject.*`); the error text is the
 * API server's.
 */
export function parseFieldSelector(text: string, anyField = false): Requirement[] {
  return splitTop(text).map((part) => {
    const m = /^([A-Za-z0-9._-]+)\s*(==|=|!=)\s*(.*)$/u.exec(part);
    if (!m) throw new Error(`invalid selector: '${part}'; can't understand '${part}'`);
    if (!anyField && !(SUPPORTED_FIELDS as readonly string[]).includes(m[1])) {
      throw new Error(`field label not supported: ${m[1]}`);
    }
    return { key: m[1], operator: m[2] === "!=" ? "!=" : "=", values: [m[3]] };
  });
}

/** Evaluates field requirements against an object (dotted paths into the object). */
export function matchesFields(requirements: Requirement[], obj: unknown): boolean {
  return requirements.every((r) => {
    let v: unknown = obj;
    for (const seg of r.key.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[seg] : undefined;
    const text = v === undefined || v === null ? "" : String(v);
    return r.operator === "!=" ? text !== r.values[0] : text === r.values[0];
  });
}

/**
 * Matches a `metav1.LabelSelector`. An empty selector (`{}`) matches everything, as in
 * `metav1.LabelSelectorAsSelector`; `undefined` is the caller's business (the controller treats a
 * nil selector as "no clusters", docs/kubesphere-behavior.md §2.9).
 */
export function matchesLabelSelector(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  return matchesSelector(labels, selector);
}
