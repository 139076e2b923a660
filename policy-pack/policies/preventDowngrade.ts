import type { StackValidationPolicy } from "@pulumi/policy";
import { ComponentOutputs } from "../../components/kubesphere/annotations";
import { compareVersions, SemverError } from "../../components/semver/masterminds";
import { configWithDefaults, installPlans, owningComponent, PACK_TAGS, planProps, show, subject } from "../lib/installPlan";

/** One downgrade the policy owner allows. */
export interface AllowedDowngrade {
  /** Extension name. */
  extension: string;
  /** Installed version the downgrade starts from; absent: from any version. */
  from?: string;
  /** Exact version the downgrade goes to. */
  to: string;
}

/** Configuration of {@link preventDowngrade}. */
export interface PreventDowngradeConfig {
  /** Downgrades to let through, e.g. a rollback after a bad release. Empty by default. */
  allowedDowngrades: AllowedDowngrade[];
}

const DEFAULTS: PreventDowngradeConfig = { allowedDowngrades: [] };

/**
 * Forbids requesting a lower version than the one installed in the cluster. Helm downgrades of
 * extension charts are not tested upstream and CRDs or data migrated by the newer version stay.
 *
 * The installed version is the `installedVersionAtPreview` output of the owning `KubeSphereExtension`
 * component (it changes after every deployment, so it is not an annotation on the plan); hence this is
 * a stack policy. Hand-written InstallPlans carry no such fact and are not checked. Versions are
 * ordered by semver precedence.
 *
 * @severity high
 */
export const preventDowngrade: StackValidationPolicy = {
  name: "kubesphere-extension-no-downgrade",
  description: "An extension must not be downgraded below the version installed in the cluster.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: [...PACK_TAGS, "upgrades"],
  remediationSteps:
    "Request the installed version or a newer one. For a deliberate rollback, add " +
    "{\"extension\": \"<name>\", \"from\": \"<installed>\", \"to\": \"<target>\"} to this policy's allowedDowngrades " +
    "for that one deployment, and check the extension's upgrade notes for data it migrated.",
  configSchema: {
    properties: {
      allowedDowngrades: {
        type: "array",
        default: [],
        description: "Downgrades to allow: {extension, from? (installed version; absent = any), to}.",
        items: {
          type: "object",
          required: ["extension", "to"],
          additionalProperties: false,
          properties: {
            extension: { type: "string", minLength: 1 },
            from: { type: "string", minLength: 1 },
            to: { type: "string", minLength: 1 },
          },
        },
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { allowedDowngrades } = configWithDefaults(args, DEFAULTS);
    for (const plan of installPlans(args.resources)) {
      const component = owningComponent(plan);
      if (component === undefined) continue;
      const installed = component.props[ComponentOutputs.installedVersionAtPreview];
      if (installed === undefined || installed === null || installed === "") continue;
      const extension = planProps(plan).spec?.extension;
      const requested = extension?.version;
      if (typeof installed !== "string" || typeof requested !== "string") {
        reportViolation(
          `${subject(plan)}: cannot compare requested version ${show(requested)} with installed version ${show(installed)}; ` +
          `both must be versions. Fix: request an exact version.`,
          plan.urn,
        );
        continue;
      }
      let order: number;
      try {
        order = compareVersions(requested, installed);
      } catch (e) {
        if (!(e instanceof SemverError)) throw e;
        reportViolation(
          `${subject(plan)}: cannot compare requested version "${requested}" with installed version "${installed}": ` +
          `${e.message}. Fix: request an exact version.`,
          plan.urn,
        );
        continue;
      }
      if (order >= 0) continue;
      const name = extension?.name;
      const allowed = allowedDowngrades.some((d) =>
        d.extension === name && d.to === requested && (d.from === undefined || d.from === installed));
      if (allowed) continue;
      reportViolation(
        `${subject(plan)}: extension ${show(name)} is installed at "${installed}" and this plan requests "${requested}", ` +
        `a downgrade. Fix: request "${installed}" or newer; for a deliberate rollback allow it in this policy's config ` +
        `(allowedDowngrades: [{"extension": ${show(name)}, "from": "${installed}", "to": "${requested}"}]).`,
        plan.urn,
      );
    }
  },
};
