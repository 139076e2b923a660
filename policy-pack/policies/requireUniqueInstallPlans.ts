import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configWithDefaults, installPlans, PACK_TAGS, planProps, subject } from "../lib/installPlan";

/** Configuration of {@link requireUniqueInstallPlans}. */
export interface UniqueInstallPlansConfig {
  /**
   * Compare only InstallPlans that use the same Pulumi provider. Default false: a stack may reach one
   * cluster through several providers (aliases, copies of one kubeconfig), which Pulumi cannot tell
   * apart, so every pair is compared. Set true only when each provider targets a different KubeSphere host.
   */
  perProvider: boolean;
}

const DEFAULTS: UniqueInstallPlansConfig = { perProvider: false };

/** Why two plans collide, or `undefined`. */
function collision(a: PolicyResource, b: PolicyResource): string | undefined {
  const pa = planProps(a);
  const pb = planProps(b);
  const reasons: string[] = [];
  const ea = pa.spec?.extension?.name;
  if (ea !== undefined && ea === pb.spec?.extension?.name) reasons.push(`both install extension "${String(ea)}"`);
  const na = pa.metadata?.name;
  if (na !== undefined && na === pb.metadata?.name) reasons.push(`both are named "${String(na)}"`);
  return reasons.length > 0 ? reasons.join(" and ") : undefined;
}

/**
 * Forbids two InstallPlans in one stack for the same extension (`spec.extension.name`) or with the
 * same `metadata.name`. InstallPlans are cluster-scoped, so two of them fight over one Helm release and
 * one Extension status (docs/kubesphere-behavior.md §6.1), or one overwrites the other; typical causes are one extension
 * declared twice, or declared once per provider when two providers point at the same cluster.
 *
 * @severity critical
 */
export const requireUniqueInstallPlans: StackValidationPolicy = {
  name: "kubesphere-installplan-unique",
  description: "A stack must not contain two InstallPlans for the same extension or with the same name.",
  enforcementLevel: "mandatory",
  severity: "critical",
  tags: [...PACK_TAGS, "naming"],
  remediationSteps:
    "Keep one KubeSphereExtension (one InstallPlan) per extension and cluster; merge their configs and delete the " +
    "other. If the stack really manages several KubeSphere hosts through different providers, set perProvider: true " +
    "in this policy's config.",
  configSchema: {
    properties: {
      perProvider: {
        type: "boolean",
        default: false,
        description: "Only compare InstallPlans that use the same Pulumi provider (each provider is a different host).",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { perProvider } = configWithDefaults(args, DEFAULTS);
    const plans = installPlans(args.resources);
    for (const plan of plans) {
      const clashes: string[] = [];
      for (const other of plans) {
        if (other === plan) continue;
        if (perProvider && plan.provider?.urn !== other.provider?.urn) continue;
        const why = collision(plan, other);
        if (why !== undefined) clashes.push(`${subject(other)}: ${why}`);
      }
      if (clashes.length > 0) {
        reportViolation(
          `${subject(plan)} collides with ${clashes.join("; ")}. Both target the same cluster-scoped InstallPlan, so ` +
          `they overwrite each other and fight over one Helm release. Fix: keep one InstallPlan per extension.`,
          plan.urn,
        );
      }
    }
  },
};
