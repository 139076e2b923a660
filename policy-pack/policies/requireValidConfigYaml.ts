import type { ResourceValidationPolicy } from "@pulumi/policy";
import { yamlProblem } from "../../components/config/values";
import { trimLikeWebhook } from "../../components/config/webhookTrim";
import { isInstallPlan, PACK_TAGS, planProps, subject } from "../lib/installPlan";

/**
 * The problem with one Helm-values field (`spec.config` or one override), or `undefined`.
 * The text is trimmed the way the admission webhook trims it before it parses it.
 */
function valuesProblem(value: unknown): string | undefined {
  if (typeof value !== "string") {
    // Name the type only: the value may be large or secret.
    const kind = value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`;
    return `is ${kind}, not a string; the CRD stores Helm values as a string of YAML text`;
  }
  return yamlProblem(trimLikeWebhook(value));
}

/**
 * Requires `spec.config` and every `spec.clusterScheduling.overrides` value to be one YAML mapping of
 * Helm values.
 *
 * The admission webhook rejects text that does not parse (docs/kubesphere-behavior.md §3.1), but only at apply time and
 * with a terse message; a YAML scalar, list or second document passes the webhook and then breaks the
 * Helm Job. This policy reports the line and column at preview.
 *
 * @severity high
 */
export const requireValidConfigYaml: ResourceValidationPolicy = {
  name: "kubesphere-installplan-valid-config-yaml",
  description: "spec.config and each clusterScheduling override must be a single YAML mapping of Helm values.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: [...PACK_TAGS, "config"],
  remediationSteps:
    "Fix the YAML at the reported line and column. Give Helm values as one mapping (key: value), not a list, a " +
    "scalar or several documents. With KubeSphereExtension, pass `config` as an object to have it rendered for you.",
  validateResource: (args, reportViolation) => {
    if (!isInstallPlan(args.type)) return;
    const spec = planProps(args).spec;
    if (spec === undefined || spec === null) return;
    if (spec.config !== undefined) {
      const problem = valuesProblem(spec.config);
      if (problem) {
        reportViolation(`${subject(args)}: spec.config ${problem}. Fix the Helm values text.`);
      }
    }
    const overrides = spec.clusterScheduling?.overrides;
    if (overrides === undefined || overrides === null) return;
    for (const cluster of Object.keys(overrides)) {
      const problem = valuesProblem(overrides[cluster]);
      if (problem) {
        reportViolation(
          `${subject(args)}: spec.clusterScheduling.overrides["${cluster}"] ${problem}. ` +
          `Fix the Helm values text for cluster "${cluster}".`,
        );
      }
    }
  },
};
