import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { ComponentOutputs } from "../../components/kubesphere/annotations";
import { checkConstraint } from "../../components/semver/masterminds";
import {
  ANNOTATION_REQUIRED_DEPENDENCIES,
  configWithDefaults,
  dependsOnTransitively,
  installPlans,
  owningComponent,
  PACK_TAGS,
  planProps,
  RequiredDependency,
  requiredDependencies,
  stringList,
  subject,
} from "../lib/installPlan";

/** Configuration of {@link requireDependencies}. */
export interface DependenciesConfig {
  /** Extensions known to be installed in the cluster already (for hand-written plans). Empty by default. */
  assumeInstalled: string[];
  /**
   * Dependencies to require in addition to the required-dependencies annotation, per extension:
   * `{ "<extension>": { "<dependency>": "<Masterminds constraint, \"\" for any>" } }`. Useful for
   * hand-written plans, which carry no annotation.
   */
  additionalDependencies: Record<string, Record<string, string>>;
}

const DEFAULTS: DependenciesConfig = { assumeInstalled: [], additionalDependencies: {} };

const extensionNameOf = (r: PolicyResource): unknown => planProps(r).spec?.extension?.name;

/** `version` for messages: ` (>= 1.2.1-0)` or nothing. */
const constraintSuffix = (d: RequiredDependency): string => (d.version === "" ? "" : ` (${d.version})`);

/**
 * The owning component's `installedDependencies` output (extensions the cluster already has); empty
 * for a hand-written plan. A malformed output is reported and treated as empty.
 */
function installedInCluster(plan: PolicyResource, reportViolation: ReportViolation): string[] {
  const component = owningComponent(plan);
  if (component === undefined) return [];
  const read = stringList(component.props[ComponentOutputs.installedDependencies], "output installedDependencies");
  if ("problem" in read) {
    reportViolation(`${subject(plan)}: the owning KubeSphereExtension's ${read.problem}; treating no dependency as installed.`, plan.urn);
    return [];
  }
  return read.list ?? [];
}

/**
 * Every required dependency of an extension in the stack must be satisfied before it installs:
 *
 * - either an InstallPlan for the dependency is in the stack, through the same Kubernetes provider
 *   (a plan for another cluster does not count), its version satisfies the constraint, and the
 *   dependant's InstallPlan depends on it (directly or transitively, e.g. through
 *   `dependsOn: [dependencyExtension]`), so Pulumi creates it first;
 * - or the dependency is recorded as installed: the owning `KubeSphereExtension`'s
 *   `installedDependencies` output (read from the cluster at preview), or this policy's
 *   `assumeInstalled` config.
 *
 * Required dependencies come from the `kubesphere-ext.io/required-dependencies` annotation (the
 * resolved ExtensionVersion's `externalDependencies` with `required: true`) plus
 * `additionalDependencies`. KubeSphere itself does not enforce them (docs/kubesphere-behavior.md §3.5): the dependant
 * installs, then fails at run time.
 *
 * @severity high
 */
export const requireDependencies: StackValidationPolicy = {
  name: "kubesphere-extension-dependencies",
  description:
    "Each required dependency of an extension must be installed already, or be in the stack at a matching version " +
    "and ordered before it.",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: [...PACK_TAGS, "dependencies"],
  remediationSteps:
    "Add a KubeSphereExtension for the missing dependency at a version that satisfies the constraint, and pass it " +
    "in the dependant's dependsOn option so it installs first. If the dependency is installed outside this stack, " +
    "list it in this policy's assumeInstalled config.",
  configSchema: {
    properties: {
      assumeInstalled: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Extension names to treat as already installed in the cluster.",
      },
      additionalDependencies: {
        type: "object",
        additionalProperties: { type: "object", additionalProperties: { type: "string" } },
        default: {},
        description: "Extension -> {dependency: Masterminds constraint (\"\" for any)} required on top of the annotation.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const { assumeInstalled, additionalDependencies } = configWithDefaults(args, DEFAULTS);
    const plans = installPlans(args.resources);
    for (const plan of plans) {
      const parsed = requiredDependencies(planProps(plan));
      if ("problem" in parsed) {
        reportViolation(`${subject(plan)}: ${parsed.problem}. Fix: recreate the plan with KubeSphereExtension or correct the annotation.`, plan.urn);
        continue;
      }
      const deps = [...parsed.deps];
      const name = Object.keys(additionalDependencies).length > 0 ? extensionNameOf(plan) : undefined;
      if (typeof name === "string" && Object.prototype.hasOwnProperty.call(additionalDependencies, name)) {
        for (const [depName, version] of Object.entries(additionalDependencies[name])) {
          if (!deps.some((d) => d.name === depName)) deps.push({ name: depName, version });
        }
      }
      if (deps.length === 0) continue;

      let installed: string[] | undefined; // read only when a dependency is outside the stack
      const isInstalled = (name: string): boolean =>
        assumeInstalled.includes(name) || (installed ??= installedInCluster(plan, reportViolation)).includes(name);

      for (const dep of deps) {
        // Only a plan through the same Kubernetes provider installs the dependency in the same cluster.
        const providers = plans.filter((q) =>
          q !== plan && q.provider?.urn === plan.provider?.urn && extensionNameOf(q) === dep.name);
        if (providers.length === 0) {
          if (isInstalled(dep.name)) continue;
          reportViolation(
            `${subject(plan)}: requires extension "${dep.name}"${constraintSuffix(dep)} (${ANNOTATION_REQUIRED_DEPENDENCIES}), ` +
            `which is neither installed in the cluster nor managed by this stack through the same provider. Fix: add ` +
            `a KubeSphereExtension for ` +
            `"${dep.name}" at a matching version and list it in this extension's dependsOn, or add "${dep.name}" to ` +
            `this policy's assumeInstalled if it is installed outside Pulumi.`,
            plan.urn,
          );
          continue;
        }
        for (const provider of providers) {
          const version = planProps(provider).spec?.extension?.version;
          const check = dep.version === "" ? { ok: true } : checkConstraint(dep.version, String(version));
          if (!check.ok) {
            reportViolation(
              `${subject(plan)}: requires "${dep.name}"${constraintSuffix(dep)}, but ${subject(provider)} installs ` +
              `version ${JSON.stringify(version)}: ${check.reason}. Fix: choose a version of "${dep.name}" that ` +
              `satisfies "${dep.version}".`,
              plan.urn,
            );
          }
        }
        if (!providers.some((q) => dependsOnTransitively(plan, q))) {
          reportViolation(
            `${subject(plan)}: requires "${dep.name}", which this stack installs with ` +
            `${providers.map(subject).join(", ")}, but does not depend on it, so Pulumi may create both at once and ` +
            `the dependant can install first. Fix: pass the "${dep.name}" extension in this extension's dependsOn ` +
            `option (the KubeSphereExtension, or the InstallPlan resource).`,
            plan.urn,
          );
        }
      }
    }
  },
};
