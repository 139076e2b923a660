import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configWithDefaults, isInstallPlan, PACK_TAGS, planProps, show, subject } from "../lib/installPlan";

/** Configuration of {@link requireManualUpgradeStrategy}. */
export interface ManualUpgradeStrategyConfig {
  /**
   * When true, `spec.upgradeStrategy` must be written out as `Manual`; when false (the default) an
   * absent value passes, because the CRD defaults it to `Manual`.
   */
  requireExplicit: boolean;
}

const DEFAULTS: ManualUpgradeStrategyConfig = { requireExplicit: false };

/** The only value this policy accepts. */
const MANUAL = "Manual";

/**
 * Requires `spec.upgradeStrategy` to be `Manual` (or absent, which the CRD defaults to `Manual`).
 *
 * KubeSphere 4.x never reads `upgradeStrategy` (docs/kubesphere-behavior.md §6.6): `Automatic` upgrades nothing, yet it
 * tells a reader that versions move by themselves, while in a Pulumi-managed stack only a change to
 * the program moves them. `Manual` states what actually happens.
 *
 * Remediation (`enforcementLevel: remediate`) rewrites any other value to `Manual`, and also fills
 * in an absent value when `requireExplicit` is set.
 *
 * @severity medium
 */
export const requireManualUpgradeStrategy: ResourceValidationPolicy = {
  name: "kubesphere-installplan-manual-upgrade-strategy",
  description:
    "InstallPlans must use spec.upgradeStrategy \"Manual\" (an absent value passes: the CRD defaults it to Manual).",
  enforcementLevel: "mandatory",
  severity: "medium",
  tags: [...PACK_TAGS, "upgrades"],
  remediationSteps:
    "Set spec.upgradeStrategy to \"Manual\" (KubeSphereExtension: upgradeStrategy: \"Manual\"), or remove it. " +
    "KubeSphere never acts on \"Automatic\": upgrades happen only when the program changes the version. " +
    "Running the pack with enforcementLevel \"remediate\" for this policy rewrites the value automatically.",
  configSchema: {
    properties: {
      requireExplicit: {
        type: "boolean",
        default: false,
        description: "Fail when spec.upgradeStrategy is absent instead of relying on the CRD default (Manual).",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isInstallPlan(args.type)) return;
    const { requireExplicit } = configWithDefaults(args, DEFAULTS);
    const strategy = planProps(args).spec?.upgradeStrategy;
    if (strategy === MANUAL) return;
    if (strategy === undefined) {
      if (requireExplicit) {
        reportViolation(
          `${subject(args)}: spec.upgradeStrategy is not set, and this pack is configured with requireExplicit: true. ` +
          `Fix: set spec.upgradeStrategy: "Manual".`,
        );
      }
      return;
    }
    const caseHint = typeof strategy === "string" && strategy.toLowerCase() === "manual"
      ? " Values are case-sensitive."
      : "";
    reportViolation(
      `${subject(args)}: spec.upgradeStrategy is ${show(strategy)}.${caseHint} KubeSphere never reads this field, so ` +
      `anything but "Manual" promises upgrades that never happen; versions change only when this program changes them. ` +
      `Fix: set spec.upgradeStrategy: "Manual" or remove it.`,
    );
  },
  remediateResource: (args: ResourceValidationArgs) => {
    if (!isInstallPlan(args.type)) return undefined;
    const { requireExplicit } = configWithDefaults(args, DEFAULTS);
    const spec = planProps(args).spec;
    if (spec === undefined || spec === null || typeof spec !== "object") return undefined;
    const strategy = spec.upgradeStrategy;
    if (strategy === MANUAL || (strategy === undefined && !requireExplicit)) return undefined;
    // Mutating through the proxy writes to the underlying object; the server serializes the result.
    spec.upgradeStrategy = MANUAL;
    return args.props;
  },
};
