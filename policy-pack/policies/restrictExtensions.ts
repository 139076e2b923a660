import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkConstraint, isExactVersion, parseConstraint, SemverError } from "../../components/semver/masterminds";
import { configWithDefaults, isInstallPlan, PACK_TAGS, planProps, show, subject } from "../lib/installPlan";

/** Configuration of {@link restrictExtensions}. Every list is empty by default, so the policy allows everything. */
export interface ExtensionListsConfig {
  /** When non-empty, only these extensions may be installed. */
  allowedExtensions: string[];
  /** These extensions may never be installed. Wins over `allowedExtensions`. */
  deniedExtensions: string[];
  /**
   * Per extension, Masterminds constraints of which at least one must match the requested version,
   * e.g. `{ "devops": [">=1.1.2, <1.2.0"] }`. An exact version (`"1.1.2"`) is a constraint too.
   * Extensions not listed are unrestricted.
   */
  allowedVersions: Record<string, string[]>;
  /** Per extension, Masterminds constraints none of which may match, e.g. `{ "devops": ["1.1.1"] }`. */
  deniedVersions: Record<string, string[]>;
}

const DEFAULTS: ExtensionListsConfig = { allowedExtensions: [], deniedExtensions: [], allowedVersions: {}, deniedVersions: {} };

const constraintMap = {
  type: "object" as const,
  additionalProperties: { type: "array" as const, items: { type: "string" as const } },
};

/** `map[key]` for own keys only, so an extension named e.g. `constructor` is not looked up on the prototype. */
function ownEntry<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** Splits configured constraints into parsed ones and a sentence about any that do not parse. */
function parseConfigured(key: string, extension: string, constraints: string[]): { valid: string[]; problem?: string } {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const c of constraints) {
    try {
      parseConstraint(c);
      valid.push(c);
    } catch (e) {
      if (!(e instanceof SemverError)) throw e;
      invalid.push(`${JSON.stringify(c)} (${e.message})`);
    }
  }
  return invalid.length === 0
    ? { valid }
    : { valid, problem: `policy config ${key}["${extension}"] has entries that are not Masterminds constraints: ${invalid.join("; ")}` };
}

/**
 * Allow-lists and deny-lists of extensions, and of versions per extension.
 *
 * Version lists hold Masterminds constraints, matched the way KubeSphere matches versions
 * (`components/semver/masterminds.ts`): a pre-release such as `1.2.0-rc.1` matches only constraints
 * that name a pre-release themselves. When a version list applies and the requested version is not
 * exact, the plan fails: a range cannot be shown to stay inside the list.
 *
 * @severity high
 */
export const restrictExtensions: ResourceValidationPolicy = {
  name: "kubesphere-installplan-allowed-extensions",
  description: "InstallPlans may only install allowed extensions and versions (configured allow-lists and deny-lists).",
  enforcementLevel: "mandatory",
  severity: "high",
  tags: [...PACK_TAGS, "supply-chain"],
  remediationSteps:
    "Install only an extension and version the organisation allows (see this policy's config: allowedExtensions, " +
    "deniedExtensions, allowedVersions, deniedVersions), or ask the policy owner to change the lists.",
  configSchema: {
    properties: {
      allowedExtensions: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "When non-empty, only these extension names may be installed.",
      },
      deniedExtensions: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Extension names that may never be installed (wins over allowedExtensions).",
      },
      allowedVersions: {
        ...constraintMap,
        default: {},
        description: "Extension name -> Masterminds constraints; the version must match at least one.",
      },
      deniedVersions: {
        ...constraintMap,
        default: {},
        description: "Extension name -> Masterminds constraints; the version must match none.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isInstallPlan(args.type)) return;
    const cfg = configWithDefaults(args, DEFAULTS);
    const configured = cfg.allowedExtensions.length + cfg.deniedExtensions.length +
      Object.keys(cfg.allowedVersions).length + Object.keys(cfg.deniedVersions).length;
    if (configured === 0) return;
    const extension = planProps(args).spec?.extension;
    const extensionName = extension?.name;
    if (typeof extensionName !== "string") {
      reportViolation(`${subject(args)}: spec.extension.name is ${show(extensionName)}, so the extension lists cannot be checked. Fix: set the extension name.`);
      return;
    }
    if (cfg.deniedExtensions.includes(extensionName)) {
      reportViolation(
        `${subject(args)}: extension "${extensionName}" is in this policy's deniedExtensions. ` +
        `Fix: remove this InstallPlan, or ask the policy owner to lift the ban.`,
      );
      return;
    }
    if (cfg.allowedExtensions.length > 0 && !cfg.allowedExtensions.includes(extensionName)) {
      reportViolation(
        `${subject(args)}: extension "${extensionName}" is not in this policy's allowedExtensions ` +
        `(${cfg.allowedExtensions.join(", ")}). Fix: install an allowed extension, or ask the policy owner to add it.`,
      );
      return;
    }
    const allowed = ownEntry(cfg.allowedVersions, extensionName);
    const denied = ownEntry(cfg.deniedVersions, extensionName);
    if (allowed === undefined && denied === undefined) return;

    // Read the version only when a version list applies, so an unknown version does not stop other checks.
    const version = extension?.version;
    if (typeof version !== "string" || !isExactVersion(version)) {
      reportViolation(
        `${subject(args)}: spec.extension.version is ${show(version)}, which is not one exact version, so it cannot be ` +
        `checked against the version lists for "${extensionName}". Fix: request an exact version.`,
      );
      return;
    }
    if (allowed !== undefined) {
      const { valid, problem } = parseConfigured("allowedVersions", extensionName, allowed);
      if (problem) reportViolation(`${subject(args)}: ${problem}. Fix the policy config.`);
      if (!valid.some((c) => checkConstraint(c, version).ok)) {
        reportViolation(
          `${subject(args)}: version "${version}" of "${extensionName}" matches none of allowedVersions ` +
          `${JSON.stringify(allowed)}. Fix: request a version inside those constraints, or ask the policy owner to widen them.`,
        );
      }
    }
    if (denied !== undefined) {
      const { valid, problem } = parseConfigured("deniedVersions", extensionName, denied);
      if (problem) reportViolation(`${subject(args)}: ${problem}. Fix the policy config.`);
      const hits = valid.filter((c) => checkConstraint(c, version).ok);
      if (hits.length > 0) {
        reportViolation(
          `${subject(args)}: version "${version}" of "${extensionName}" matches deniedVersions ${JSON.stringify(hits)}. ` +
          `Fix: request another version.`,
        );
      }
    }
  },
};
