/**
 * What the API server does to an InstallPlan before storing it (docs/kubesphere-behavior.md §3):
 *
 * 1. structural-schema defaulting: `spec.upgradeStrategy` defaults to `Manual` (§3.2);
 * 2. the mutating webhook `installplans.kubesphere.io`: per-line trailing-whitespace trim of
 *    `spec.config` and every `spec.clusterScheduling.overrides` value (§3.1, `trimLikeWebhook`);
 * 3. the validating webhook: config and overrides must parse as YAML, with the controller's
 *    error text wrapped as the API server wraps webhook denials;
 * 4. schema validation: required fields and the `placement.clusters` set (§3.2).
 *
 * Objects labelled `app.kubernetes.io/managed-by: Helm` bypass the webhooks (§1.4) but not the
 * schema. The YAML error detail comes from the `yaml` npm package, not Go's yaml.v2, so only the
 * prefix (`failed to unmarshal extension config: error converting YAML to JSON: yaml: `) matches
 * the real server byte for byte.
 */
import * as YAML from "yaml";
import { trimLikeWebhook } from "../components/config/webhookTrim";
import { invalid, webhookDenied } from "./errors";
import type { ResourceType } from "./resources";

/** Name of the InstallPlan admission webhook. */
export const INSTALLPLAN_WEBHOOK = "installplans.kubesphere.io";

/** An admission step: returns the (possibly mutated) object or throws an {@link ApiError}. */
export type AdmissionPlugin = (
  operation: "CREATE" | "UPDATE",
  type: ResourceType,
  obj: Record<string, unknown>,
  old: Record<string, unknown> | undefined,
) => Record<string, unknown>;

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Returns the parse error text of `text` as YAML, or `undefined` when it parses. */
export function yamlParseError(text: string): string | undefined {
  // yaml.v2 (behind sigs.k8s.io/yaml) accepts duplicate keys, so they are not an error here either.
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: false });
  const first = Array.isArray(docs) ? docs[0] : docs;
  const errors = first?.errors ?? [];
  if (errors.length === 0) return undefined;
  const e = errors[0];
  const line = e.linePos?.[0]?.line;
  const detail = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/u, "");
  return `error converting YAML to JSON: yaml: ${line !== undefined ? `line ${line}: ` : ""}${detail}`;
}

function isHelmManaged(obj: Obj): boolean {
  return obj.metadata?.labels?.["app.kubernetes.io/managed-by"] === "Helm";
}

/** The mutating webhook's defaulting (`IPW:38-60`). Mutates and returns `obj`. */
export function mutateInstallPlan(obj: Obj): Obj {
  const spec = obj.spec;
  if (spec && typeof spec === "object") {
    if (typeof spec.config === "string") spec.config = trimLikeWebhook(spec.config);
    const overrides = spec.clusterScheduling?.overrides;
    if (overrides && typeof overrides === "object") {
      for (const [k, v] of Object.entries(overrides)) if (typeof v === "string") overrides[k] = trimLikeWebhook(v);
    }
  }
  return obj;
}

/** The validating webhook (`IPW:74-90`). Throws the denial the API server would return. */
export function validateInstallPlanWebhook(obj: Obj): void {
  const spec = obj.spec ?? {};
  if (typeof spec.config === "string") {
    const err = yamlParseError(spec.config);
    if (err) throw webhookDenied(INSTALLPLAN_WEBHOOK, `failed to unmarshal extension config: ${err}`);
  }
  const overrides = spec.clusterScheduling?.overrides ?? {};
  for (const [cluster, text] of Object.entries(overrides)) {
    if (typeof text !== "string") continue;
    const err = yamlParseError(text);
    if (err) throw webhookDenied(INSTALLPLAN_WEBHOOK, `failed to unmarshal cluster ${cluster} agent config: ${err}`);
  }
}

/** CRD defaulting and structural validation of an InstallPlan (§3.2). */
export function defaultAndValidateInstallPlanSchema(obj: Obj): Obj {
  const name = String(obj.metadata?.name ?? "");
  const causes: Array<{ field: string; message: string; reason?: string }> = [];
  const spec = obj.spec;
  if (spec === undefined || spec === null || typeof spec !== "object") {
    causes.push({ field: "spec", message: "Required value", reason: "FieldValueRequired" });
  } else {
    if (spec.upgradeStrategy === undefined) spec.upgradeStrategy = "Manual";
    if (spec.extension === undefined || spec.extension === null || typeof spec.extension !== "object") {
      causes.push({ field: "spec.extension", message: "Required value", reason: "FieldValueRequired" });
    } else {
      for (const f of ["name", "version"]) {
        if (spec.extension[f] === undefined) causes.push({ field: `spec.extension.${f}`, message: "Required value", reason: "FieldValueRequired" });
        else if (typeof spec.extension[f] !== "string") causes.push({ field: `spec.extension.${f}`, message: `Invalid value: "${typeof spec.extension[f]}": spec.extension.${f} in body must be of type string: "${typeof spec.extension[f]}"`, reason: "FieldValueTypeInvalid" });
      }
    }
    if (spec.enabled === undefined) causes.push({ field: "spec.enabled", message: "Required value", reason: "FieldValueRequired" });
    else if (typeof spec.enabled !== "boolean") causes.push({ field: "spec.enabled", message: `Invalid value: "${typeof spec.enabled}": spec.enabled in body must be of type boolean: "${typeof spec.enabled}"`, reason: "FieldValueTypeInvalid" });
    if (spec.config !== undefined && typeof spec.config !== "string") {
      causes.push({ field: "spec.config", message: `Invalid value: "${typeof spec.config}": spec.config in body must be of type string: "${typeof spec.config}"`, reason: "FieldValueTypeInvalid" });
    }
    const clusters = spec.clusterScheduling?.placement?.clusters;
    if (Array.isArray(clusters)) {
      const seen = new Set<string>();
      clusters.forEach((c: unknown, i: number) => {
        if (seen.has(String(c))) causes.push({ field: `spec.clusterScheduling.placement.clusters[${i}]`, message: `Duplicate value: "${String(c)}"`, reason: "FieldValueDuplicate" });
        seen.add(String(c));
      });
    }
  }
  if (causes.length > 0) throw invalid("InstallPlan", "kubesphere.io", name, causes);
  return obj;
}

/** Admission plugin implementing the whole InstallPlan admission chain. */
export const installPlanAdmission: AdmissionPlugin = (_operation, type, obj) => {
  if (type.plural !== "installplans" || type.group !== "kubesphere.io") return obj;
  // Schema defaulting happens when the body is decoded, before admission.
  if (obj.spec && typeof obj.spec === "object" && (obj.spec as Obj).upgradeStrategy === undefined) {
    (obj.spec as Obj).upgradeStrategy = "Manual";
  }
  if (!isHelmManaged(obj)) {
    mutateInstallPlan(obj);
    validateInstallPlanWebhook(obj);
  }
  return defaultAndValidateInstallPlanSchema(obj);
};

