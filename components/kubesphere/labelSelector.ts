/**
 * Label selector and name syntax exactly as the Kubernetes API server validates them
 * (`apimachinery/pkg/util/validation` and `metav1validation.ValidateLabelSelector`). A selector the
 * server would reject is reported at preview, with the field and the rule it breaks. Pure.
 */
import type { LabelSelector } from "./types";

const DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);
const QUALIFIED_NAME_PART_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Operators a `matchExpressions` requirement may use (case-sensitive). */
export const SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;

/** Why `name` is not a DNS-1123 subdomain (Kubernetes object names, e.g. Cluster names), or `undefined`. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name === "") return "is empty";
  if (name.trim() !== name) return "has leading or trailing whitespace (names are never trimmed)";
  if (name.length > 253) return `is ${name.length} characters long; at most 253 are allowed`;
  if (!DNS1123_SUBDOMAIN_RE.test(name)) {
    return "must consist of lower-case letters, digits, '-' and '.', and start and end with a letter or digit (DNS-1123 subdomain)";
  }
  return undefined;
}

/** Why `key` is not a qualified name (label keys: `[prefix/]name`), or `undefined`. */
export function qualifiedNameProblem(key: string): string | undefined {
  if (key === "") return "is empty; a label key is `name` or `prefix/name`";
  const parts = key.split("/");
  let name = key;
  if (parts.length > 2) return "has more than one '/'; a label key is `name` or `prefix/name`";
  if (parts.length === 2) {
    const [prefix, n] = parts;
    if (prefix === "") return "has an empty prefix before '/'";
    const p = dns1123SubdomainProblem(prefix);
    if (p) return `has a prefix ${JSON.stringify(prefix)} that ${p}`;
    name = n;
  }
  if (name === "") return "has an empty name part; the name is 1-63 characters";
  if (name.length > 63) return `has a name part of ${name.length} characters; at most 63 are allowed`;
  if (!QUALIFIED_NAME_PART_RE.test(name)) {
    return "must consist of letters, digits, '-', '_' and '.', and start and end with a letter or digit " +
      "(optionally prefixed by a DNS subdomain and '/', e.g. `topology.kubernetes.io/region`)";
  }
  return undefined;
}

/** Why `value` is not a valid label value, or `undefined` (the empty string is valid). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `is ${value.length} characters long; a label value has at most 63`;
  if (!LABEL_VALUE_RE.test(value)) {
    return "must be empty or consist of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  }
  return undefined;
}

/**
 * Every way `selector` breaks the API server's rules, each message starting with the field path.
 *
 * @param selector an already type-checked selector (strings where strings belong)
 * @param path field path of the selector, e.g. `clusterScheduling.clusterSelector`
 */
export function labelSelectorProblems(selector: LabelSelector, path: string): string[] {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    const at = `${path}.matchLabels[${JSON.stringify(k)}]`;
    const kp = qualifiedNameProblem(k);
    if (kp) problems.push(`${at}: label key ${JSON.stringify(k)} ${kp}`);
    const vp = labelValueProblem(v);
    if (vp) problems.push(`${at}: label value ${JSON.stringify(v)} ${vp}`);
  }
  (selector.matchExpressions ?? []).forEach((e, i) => {
    const at = `${path}.matchExpressions[${i}]`;
    const kp = qualifiedNameProblem(e.key);
    if (kp) problems.push(`${at}.key ${JSON.stringify(e.key)} ${kp}`);
    const op = e.operator as string;
    if (!(SELECTOR_OPERATORS as readonly string[]).includes(op)) {
      const cased = SELECTOR_OPERATORS.find((o) => o.toLowerCase() === op.toLowerCase());
      problems.push(`${at}.operator ${JSON.stringify(op)} is not valid; ` +
        (cased ? `operators are case-sensitive: write ${JSON.stringify(cased)}` : `use one of ${SELECTOR_OPERATORS.join(", ")}`));
      return;
    }
    const values = e.values ?? [];
    if ((op === "In" || op === "NotIn") && values.length === 0) {
      problems.push(`${at}.values must be non-empty when operator is ${op}; list the label values to match`);
    }
    if ((op === "Exists" || op === "DoesNotExist") && values.length > 0) {
      problems.push(`${at}.values must be empty when operator is ${op} (it tests only whether the key is present); remove values`);
    }
    values.forEach((v, j) => {
      const vp = labelValueProblem(v);
      if (vp) problems.push(`${at}.values[${j}] ${JSON.stringify(v)} ${vp}`);
    });
  });
  return problems;
}
