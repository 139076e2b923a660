import type { ResourceValidationPolicy } from "@pulumi/policy";
import * as YAML from "yaml";
import { trimLikeWebhook } from "../../components/config/webhookTrim";
import { configWithDefaults, isInstallPlan, PACK_TAGS, planProps, subject } from "../lib/installPlan";

/** Configuration of {@link denyConfigKeys}. */
export interface DeniedConfigKeysConfig {
  /**
   * Extension name (or `"*"` for every extension) -> dotted paths of Helm values that must not be
   * set, e.g. `{ "*": ["global.imageRegistry"], "devops": ["jenkins.securityRealm"] }`. A `*` segment
   * matches any key (`agent.*.image`); a numeric segment indexes a list. Keys that themselves contain
   * a dot cannot be addressed.
   */
  deniedKeys: Record<string, string[]>;
}

const DEFAULTS: DeniedConfigKeysConfig = { deniedKeys: {} };

/** The concrete paths in `values` that `pattern` (dotted, `*` wildcards) selects; present-but-null counts. */
export function findPaths(values: unknown, pattern: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown, segments: string[], at: string[]): void => {
    if (segments.length === 0) {
      found.push(at.join("."));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const [head, ...rest] = segments;
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    for (const key of keys) {
      if (head === "*" || head === key) walk((node as Record<string, unknown>)[key], rest, [...at, key]);
    }
  };
  walk(values, pattern.split("."), []);
  return found;
}

/** Parsed Helm values, or `undefined` when the text is not parseable (the YAML policy reports that). */
function parseValues(text: unknown): unknown {
  if (typeof text !== "string") return undefined;
  const doc = YAML.parseDocument(trimLikeWebhook(text));
  return doc.errors.length > 0 ? undefined : doc.toJS();
}

/**
 * Forbids configured Helm-value keys in `spec.config` and in every cluster override, per extension,
 * e.g. to keep `global.imageRegistry` under the platform team's control. Without config it allows
 * everything.
 *
 * @severity medium
 */
export const denyConfigKeys: ResourceValidationPolicy = {
  name: "kubesphere-installplan-denied-config-keys",
  description: "InstallPlans must not set Helm values that the policy config denies for their extension.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: [...PACK_TAGS, "config"],
  remediationSteps:
    "Remove the reported keys from config and from every cluster override; their values are managed centrally. " +
    "Ask the policy owner (deniedKeys in this policy's config) if a change is needed.",
  configSchema: {
    properties: {
      deniedKeys: {
        type: "object",
        additionalProperties: { type: "array", items: { type: "string", minLength: 1 } },
        default: {},
        description: "Extension name or \"*\" -> dotted Helm value paths that must not be set (\"*\" segments allowed).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isInstallPlan(args.type)) return;
    const { deniedKeys } = configWithDefaults(args, DEFAULTS);
    if (Object.keys(deniedKeys).length === 0) return;
    const spec = planProps(args).spec;
    if (spec === undefined || spec === null) return;
    const own = (k: string) => (Object.prototype.hasOwnProperty.call(deniedKeys, k) ? deniedKeys[k] : []);
    // Read the extension name only when a per-extension list exists, so "*" alone works even if it is unknown.
    const extensionName = Object.keys(deniedKeys).some((k) => k !== "*") ? spec.extension?.name : undefined;
    const patterns = [...own("*"), ...(typeof extensionName === "string" ? own(extensionName) : [])];
    if (patterns.length === 0) return;

    const sources: Array<[string, unknown]> = [];
    if (spec.config !== undefined) sources.push(["spec.config", spec.config]);
    const overrides = spec.clusterScheduling?.overrides;
    if (overrides !== undefined && overrides !== null) {
      for (const cluster of Object.keys(overrides)) {
        sources.push([`spec.clusterScheduling.overrides["${cluster}"]`, overrides[cluster]]);
      }
    }
    for (const [where, text] of sources) {
      const values = parseValues(text);
      const hits = [...new Set(patterns.flatMap((p) => findPaths(values, p)))];
      if (hits.length > 0) {
        reportViolation(
          `${subject(args)}: ${where} sets ${hits.map((h) => `"${h}"`).join(", ")}, denied ` +
          `${typeof extensionName === "string" ? `for extension "${extensionName}" ` : ""}by this policy's deniedKeys. Fix: remove ${hits.length === 1 ? "it" : "them"}.`,
        );
      }
    }
  },
};
