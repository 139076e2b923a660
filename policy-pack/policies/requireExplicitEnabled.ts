import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isInstallPlan, PACK_TAGS, planProps, show, subject } from "../lib/installPlan";

/**
 * Requires `spec.enabled` to be written out as a boolean.
 *
 * The CRD requires the field, but the API server says so only when the plan is applied, long after
 * preview. Its meaning also surprises: `enabled: false` still installs the Helm chart and only
 * disables the extension's UI and API objects (docs/kubesphere-behavior.md §2.8), so the intent should be stated.
 *
 * @severity medium
 */
export const requireExplicitEnabled: ResourceValidationPolicy = {
  name: "kubesphere-installplan-explicit-enabled",
  description: "InstallPlans must set spec.enabled explicitly to true or false.",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: [...PACK_TAGS, "schema"],
  remediationSteps:
    "Set spec.enabled to true or false (a boolean, not a string). Note that enabled: false still installs the chart; " +
    "it only disables the extension's console and API objects. Delete the InstallPlan to uninstall.",
  validateResource: (args, reportViolation) => {
    if (!isInstallPlan(args.type)) return;
    const enabled = planProps(args).spec?.enabled;
    if (typeof enabled === "boolean") return;
    if (enabled === undefined) {
      reportViolation(
        `${subject(args)}: spec.enabled is not set. The InstallPlan CRD requires it, so the API server would reject the ` +
        `plan at apply time. Fix: set spec.enabled: true (or false to install with the extension disabled).`,
      );
      return;
    }
    reportViolation(
      `${subject(args)}: spec.enabled is ${show(enabled)}, not a boolean. Fix: write spec.enabled: true or false ` +
      `without quotes.`,
    );
  },
};
