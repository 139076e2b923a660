import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isInstallPlan, PACK_TAGS, planProps, show, subject } from "../lib/installPlan";

/**
 * Requires `metadata.name` to equal `spec.extension.name`.
 *
 * Nothing in KubeSphere enforces the convention, but the InstallPlan controller maps Job and Helm
 * release events to the plan *named after the extension* (docs/kubesphere-behavior.md §6.1). A plan with another name is
 * not woken when its Job finishes and can sit in `Installing` until the 10-hour resync; two plans for
 * one extension fight over one release.
 *
 * @severity high
 */
export const requireNameMatchesExtension: ResourceValidationPolicy = {
  name: "kubesphere-installplan-name-matches-extension",
  description: "An InstallPlan's metadata.name must equal its spec.extension.name.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: [...PACK_TAGS, "naming"],
  remediationSteps:
    "Set metadata.name to the extension name (KubeSphereExtension does this itself). A raw CustomResource without " +
    "metadata.name is auto-named by Pulumi with a random suffix, so give it explicitly. Renaming an existing plan " +
    "replaces it: Pulumi deletes the old plan (uninstalling the extension) before creating the new one.",
  validateResource: (args, reportViolation) => {
    if (!isInstallPlan(args.type)) return;
    const props = planProps(args);
    const extensionName = props.spec?.extension?.name;
    if (typeof extensionName !== "string" || extensionName === "") {
      reportViolation(
        `${subject(args)}: spec.extension.name is ${show(extensionName)}; the CRD requires a non-empty string. ` +
        `Fix: set it to the extension name, e.g. "devops".`,
      );
      return;
    }
    const name = props.metadata?.name;
    if (name === extensionName) return;
    if (name === undefined) {
      reportViolation(
        `${subject(args)}: metadata.name is not set, so Pulumi auto-names the object with a random suffix, and ` +
        `KubeSphere would not route install events for extension "${extensionName}" to it. ` +
        `Fix: set metadata.name: "${extensionName}".`,
      );
      return;
    }
    reportViolation(
      `${subject(args)}: metadata.name is ${show(name)} but spec.extension.name is "${extensionName}". KubeSphere routes ` +
      `install and upgrade events to the plan named "${extensionName}", so this plan can hang in Installing. ` +
      `Fix: set metadata.name: "${extensionName}".`,
    );
  },
};
