/**
 * Helm values for `spec.config` and per-cluster overrides, given either as an object or as YAML
 * text, turned into the exact string the cluster will store.
 *
 * Objects are rendered with sorted keys so the same object always gives the same string (no
 * spurious diff, stable configHash). Text is validated as YAML — the admission webhook would reject
 * it with a far less helpful message — and both are trimmed the way the webhook trims them
 * (`webhookTrim.ts`), so the desired value equals the live value.
 */
import * as YAML from "yaml";
import { unicodeProblem } from "./text";
import { aliasExpansionProblem, firstYamlError } from "./safeYaml";
import { trimLikeWebhook } from "./webhookTrim";

/** Result of normalising one value source: the stored text, or a problem description. */
export type NormalizedValues = { ok: true; text: string | undefined } | { ok: false; problem: string };

/** Renders a values object as YAML with keys sorted at every level. */
export function valuesToYaml(values: Record<string, unknown>): string {
  if (Object.keys(values).length === 0) return "";
  return YAML.stringify(values, { sortMapEntries: true, lineWidth: 0 });
}

/**
 * Checks that `text` parses as YAML; returns a message with the line and column of the first error,
 * or `undefined` when it parses. Multi-document text is an error (Helm reads one document).
 */
export function yamlProblem(text: string): string | undefined {
  const unicode = unicodeProblem(text);
  if (unicode) return unicode;
  const docs = YAML.parseAllDocuments(text);
  for (const doc of docs) {
    const err = firstYamlError(doc);
    if (err) return `does not parse as YAML at ${err}`;
    const bomb = aliasExpansionProblem(doc);
    if (bomb) return bomb;
  }
  if (docs.length > 1) return `holds ${docs.length} YAML documents; Helm values must be a single document`;
  let value: unknown;
  try {
    value = docs[0]?.toJS({ maxAliasCount: -1 });
  } catch (e) {
    return `cannot be read as YAML: ${(e as Error).message}`;
  }
  if (value !== null && value !== undefined && (typeof value !== "object" || Array.isArray(value))) {
    return `is a YAML ${Array.isArray(value) ? "list" : typeof value}, but Helm values must be a mapping (key: value)`;
  }
  return undefined;
}

/**
 * Normalises one values source. Exactly one of `object`/`yamlText` may be given; neither gives
 * `text: undefined` (the field is omitted from the InstallPlan).
 *
 * @param what names the field in messages, e.g. `config` or `overrides["member1"]`.
 */
export function normalizeValues(
  what: string,
  object: Record<string, unknown> | undefined,
  yamlText: string | undefined,
  yamlField: string,
): NormalizedValues {
  if (object !== undefined && yamlText !== undefined) {
    return { ok: false, problem: `both ${what} and ${yamlField} are set; give the values one way only` };
  }
  if (object !== undefined) {
    if (object === null || typeof object !== "object" || Array.isArray(object)) {
      return { ok: false, problem: `${what} must be an object of Helm values (use ${yamlField} for YAML text)` };
    }
    return { ok: true, text: trimLikeWebhook(valuesToYaml(object)) };
  }
  if (yamlText !== undefined) {
    if (typeof yamlText !== "string") return { ok: false, problem: `${yamlField} must be a string of YAML text` };
    const problem = yamlProblem(yamlText);
    if (problem) return { ok: false, problem: `${yamlField} ${problem}` };
    return { ok: true, text: trimLikeWebhook(yamlText) };
  }
  return { ok: true, text: undefined };
}
