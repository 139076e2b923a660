/**
 * Preview-time resolution: catalog + request → the exact InstallPlan to write, or every problem
 * found. The KubeSphere controller enforces none of this (a missing version is a silent no-op,
 * ksVersion/kubeVersion and dependencies are advisory — BEHAVIOR §3), so this is where users learn
 * about it, before anything touches the cluster.
 */
import * as semver from "semver";
import type { Catalog } from "../catalog/catalog";
import { versionsOf } from "../catalog/catalog";
import { fnv1a64Hex } from "../config/configHash";
import { normalizeValues } from "../config/values";
import { targetClusters } from "../kubesphere/clusters";
import type { Extension, ExtensionVersion, InstallPlan, Repository } from "../kubesphere/types";
import { ANNOTATION_MANAGED_BY_STACK } from "../kubesphere/annotations";
import { checkConstraint, explainNonExact, isExactVersion, satisfies, stripVendorSuffix } from "../semver/masterminds";
import { ExtensionResolutionError } from "./errors";
import { buildInstallPlan } from "./installPlan";
import type { ExtensionRequest } from "./request";

/** Extra knowledge for resolving one extension among others. */
export interface ResolveContext {
  /**
   * Other extensions declared in the same program or set, `name -> exact version`. A required
   * dependency declared here at a satisfying version counts as satisfied (it will be installed first).
   */
  declared?: Record<string, string>;
  /** Overrides the host's KubeSphere version (e.g. when ks-apiserver `/version` is not readable). */
  ksVersion?: string;
  /** Overrides the host's Kubernetes version. */
  kubeVersion?: string;
  /**
   * `<project>/<stack>` of the Pulumi stack resolving this extension. Stamped on the InstallPlan;
   * a required dependency whose plan this same stack manages but no longer declares is about to be
   * deleted by this update, which is refused.
   */
  stack?: string;
}

/** How one `externalDependencies` entry was (or was not) satisfied. */
export interface DependencyResolution {
  /** Dependency extension name. */
  name: string;
  /** Masterminds range it must satisfy. */
  range: string;
  /** Whether the ExtensionVersion marks it required. */
  required: boolean;
  /** `declared` (in this program), `installed` (in the cluster) or `missing`. */
  satisfiedBy: "declared" | "installed" | "missing";
  /** The version that satisfied it, or the unsatisfying version found. */
  foundVersion?: string;
}

/** A successfully resolved extension. */
export interface ResolvedExtension {
  /** Extension name. */
  name: string;
  /** Exact version. */
  version: string;
  /** The ExtensionVersion `<name>-<version>` found in the catalog. */
  extensionVersion: ExtensionVersion;
  /** `HostOnly` or `Multicluster` (CRD default `HostOnly`). */
  installationMode: string;
  /** Namespace the controller installs into: `spec.namespace` or `extension-<name>`. */
  targetNamespace: string;
  /** The exact InstallPlan object that will be emitted. */
  installPlan: InstallPlan;
  /** The host `configHash` the controller will record once it acts on this spec (FNV-1a 64 of `spec.config`). */
  configHash: string;
  /** Version installed in the cluster now (`Extension.status.installedVersion`), if any. */
  installedVersion?: string;
  /** `Extension.status.state` now, if any. */
  installedState?: string;
  /** The InstallPlan of this extension that exists in the cluster now, if any. */
  existingPlan?: InstallPlan;
  /** Every externalDependency and how it was satisfied. */
  dependencies: DependencyResolution[];
  /** Clusters the agents will be scheduled to (existing, schedulable); empty for HostOnly. */
  targetClusters: string[];
  /** `Extension.status.recommendedVersion`, if known. */
  recommendedVersion?: string;
  /** Things worth telling the user that do not stop the install. */
  warnings: string[];
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DEFAULT_REPOSITORY_DEPTH = 3;
/** Prefix of the config comment line that `retry` adds. */
export const RETRY_COMMENT = "# kubesphere-ext.io/retry: ";

function sortVersions(versions: string[]): string[] {
  return [...versions].sort((a, b) => (semver.valid(a) && semver.valid(b) ? semver.compare(a, b) : a.localeCompare(b)));
}

function closestNames(wanted: string, names: string[]): string[] {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
    }
    return d[a.length][b.length];
  };
  return names
    .map((n) => ({ n, d: n.includes(wanted) || wanted.includes(n) ? 1 : distance(wanted, n) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 3)
    .map((x) => x.n);
}

function repositoryDepth(repos: Repository[], ev: ExtensionVersion | undefined): { name?: string; depth: number } {
  const repoName = ev?.spec.repository ?? ev?.metadata.labels?.["kubesphere.io/repository-ref"];
  const repo = repos.find((r) => r.metadata.name === repoName) ?? (repos.length === 1 ? repos[0] : undefined);
  const depth = repo?.spec?.depth;
  return { name: repo?.metadata.name, depth: depth === undefined || depth === null ? DEFAULT_REPOSITORY_DEPTH : depth };
}

function describeVersions(name: string, available: string[], recommended: string | undefined): string {
  if (available.length === 0) return `no versions of ${name} exist in the catalog`;
  return `versions that exist: ${available.join(", ")}${recommended ? ` (recommended: ${recommended})` : ""}`;
}

/**
 * Resolves a request against a catalog. Resolves to the `ResolvedExtension` whose `installPlan`
 * is the exact object to emit; rejects with `ExtensionResolutionError` listing every problem.
 */
export async function resolveExtension(
  catalog: Catalog,
  request: ExtensionRequest,
  context: ResolveContext = {},
): Promise<ResolvedExtension> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const name = typeof request.name === "string" ? request.name.trim() : "";
  const version = typeof request.version === "string" ? request.version.trim() : "";

  // --- name --------------------------------------------------------------------------------
  let nameOk = true;
  if (name === "") {
    problems.push("name is empty; give the extension name, e.g. `devops` (see `kubesphere-ext catalog`)");
    nameOk = false;
  } else if (name.length > 63 || !DNS1123_SUBDOMAIN.test(name)) {
    problems.push(`name ${JSON.stringify(request.name)} is not a valid extension name: it must be a DNS-1123 ` +
      "subdomain of at most 63 characters (lower-case letters, digits, '-' and '.', starting and ending alphanumeric)");
    nameOk = false;
  }

  // --- version form ------------------------------------------------------------------------
  const versionExact = isExactVersion(version);
  if (!versionExact) {
    problems.push(`version ${JSON.stringify(request.version ?? "")} is not an exact version: ${explainNonExact(version)}. ` +
      "An exact pin is required because KubeSphere installs exactly spec.extension.version (the ExtensionVersion " +
      "`<name>-<version>`), silently does nothing when it does not exist, and never upgrades on its own");
  }

  if (request.retry !== undefined && (!Number.isInteger(request.retry) || request.retry < 0)) {
    problems.push(`retry must be a whole number of at least 0, not ${JSON.stringify(request.retry)}`);
  }

  // --- enabled / upgradeStrategy -------------------------------------------------------------
  if (request.enabled !== undefined && typeof request.enabled !== "boolean") {
    problems.push(`enabled must be true or false, not ${JSON.stringify(request.enabled)}`);
  }
  const upgradeStrategy = request.upgradeStrategy ?? "Manual";
  if (upgradeStrategy !== "Manual" && upgradeStrategy !== "Automatic") {
    problems.push(`upgradeStrategy ${JSON.stringify(upgradeStrategy)} is not valid; use "Manual" (the default)`);
  } else if (upgradeStrategy === "Automatic") {
    warnings.push('upgradeStrategy "Automatic" has no effect: no KubeSphere code reads it (BEHAVIOR §6.6); versions change only when you change `version`');
  }

  // --- values --------------------------------------------------------------------------------
  const config = normalizeValues("config", request.config, request.configYaml, "configYaml");
  if (!config.ok) problems.push(config.problem);
  const overrides: Record<string, string> = {};
  const cs = request.clusterScheduling;
  if (cs !== undefined) {
    for (const cluster of new Set([...Object.keys(cs.overrides ?? {}), ...Object.keys(cs.overridesYaml ?? {})])) {
      const v = normalizeValues(`clusterScheduling.overrides[${JSON.stringify(cluster)}]`,
        cs.overrides?.[cluster], cs.overridesYaml?.[cluster], `clusterScheduling.overridesYaml[${JSON.stringify(cluster)}]`);
      if (!v.ok) problems.push(v.problem);
      else if (v.text !== undefined) overrides[cluster] = v.text;
    }
    if (cs.clusters && new Set(cs.clusters).size !== cs.clusters.length) {
      problems.push(`clusterScheduling.clusters lists a cluster more than once (${cs.clusters.join(", ")}); the API server rejects duplicates`);
    }
  }

  if (!nameOk) throw new ExtensionResolutionError(name, problems);

  // --- catalog lookups (one shared read per kind) ---------------------------------------------
  const [evs, exts, repos, clusters, plans, host] = await Promise.all([
    versionsOf(catalog, name), catalog.extensions(), catalog.repositories(), catalog.clusters(),
    catalog.installPlans(), catalog.hostVersions(),
  ]);
  const extension: Extension | undefined = exts.find((e) => e.metadata.name === name);
  const available = sortVersions(evs.map((ev) => ev.spec.version ?? ev.metadata.name.slice(name.length + 1)));
  const recommended = extension?.status?.recommendedVersion || undefined;
  const installedVersion = extension?.status?.installedVersion || undefined;
  const installedState = extension?.status?.state || undefined;

  if (evs.length === 0) {
    const allNames = [...new Set([...exts.map((e) => e.metadata.name),
      ...(await catalog.extensionVersions()).map((ev) => ev.metadata.labels?.["kubesphere.io/extension-ref"] ?? "")])]
      .filter((n) => n !== "").sort();
    const similar = closestNames(name, allNames);
    problems.push(`extension ${JSON.stringify(name)} does not exist in ${catalog.description}` +
      (similar.length > 0 ? `; did you mean ${similar.map((s) => JSON.stringify(s)).join(" or ")}?` :
        `; extensions that exist: ${allNames.join(", ") || "(none)"}`));
    throw new ExtensionResolutionError(name, problems);
  }

  const ev = versionExact ? evs.find((e) => e.metadata.name === `${name}-${version}`) : undefined;
  if (versionExact && !ev) {
    let message = `version ${version} does not exist: there is no ExtensionVersion ${JSON.stringify(`${name}-${version}`)} ` +
      `(the controller would silently do nothing); ${describeVersions(name, available, recommended)}`;
    const oldest = available.find((v) => semver.valid(v));
    const { name: repoName, depth } = repositoryDepth(repos, evs[0]);
    if (oldest && semver.valid(version) && semver.lt(version, oldest) && depth > 0) {
      message += `. ${version} is older than every synced version: the Repository ${repoName ? JSON.stringify(repoName) + " " : ""}` +
        `keeps only the newest ${depth} version(s) per extension (spec.depth${depth === DEFAULT_REPOSITORY_DEPTH ? " unset, default 3" : ` = ${depth}`}); ` +
        "set spec.depth to 0 (all) or higher to sync older versions";
    }
    problems.push(message);
  } else if (!versionExact) {
    problems.push(describeVersions(name, available, recommended).replace(/^v/, "V"));
  }

  // Everything below needs the ExtensionVersion.
  if (!ev) throw new ExtensionResolutionError(name, problems);

  // --- compatibility ------------------------------------------------------------------------
  const ksVersion = context.ksVersion ?? host.ksVersion;
  const kubeVersion = context.kubeVersion ?? host.kubeVersion;
  const compat = (field: "ksVersion" | "kubeVersion", constraint: string | undefined, hostVersion: string | undefined,
    what: string, hint: string): void => {
    if (!constraint || constraint.trim() === "") return;
    if (!hostVersion) {
      problems.push(`${name} ${version} requires ${what} ${constraint} (${field}), but the ${what} version of the host ` +
        `could not be determined; ${hint}`);
      return;
    }
    const r = checkConstraint(constraint, hostVersion);
    if (r.ok) return;
    let message = `${name} ${version} requires ${what} ${constraint} (${field}) but the host runs ${hostVersion}` +
      `${r.reason ? ` (${r.reason})` : ""}`;
    const release = field === "kubeVersion" ? stripVendorSuffix(hostVersion) : undefined;
    if (release && satisfies(constraint, release)) {
      message += `. ${hostVersion} carries a vendor suffix that KubeSphere's version library treats as a pre-release, ` +
        `so it fails a constraint without "-0"; the release version ${release} would pass. KubeSphere itself would not ` +
        `recommend this version here. If you are sure, state kubeVersion: "${release}" explicitly`;
    }
    const fitting = evs.filter((e) => (!e.spec[field] || satisfies(e.spec[field]!, hostVersion)))
      .map((e) => e.spec.version!).filter(Boolean);
    message += fitting.length > 0 ? `; versions that fit this host: ${sortVersions(fitting).join(", ")}` : "; no version of it fits this host";
    problems.push(message);
  };
  compat("ksVersion", ev.spec.ksVersion, ksVersion, "KubeSphere",
    "state it with the `ksVersion` argument (e.g. \"v4.1.3\", as `kubectl get --raw /kapis/version` on the host shows)");
  compat("kubeVersion", ev.spec.kubeVersion, kubeVersion, "Kubernetes",
    "state it with the `kubeVersion` argument (e.g. \"v1.30.4\", as `kubectl version` shows)");

  // --- downgrade -----------------------------------------------------------------------------
  if (installedVersion && semver.valid(installedVersion) && semver.lt(version, installedVersion) && !request.allowDowngrade) {
    problems.push(`${version} is lower than the installed version ${installedVersion}: downgrades are refused because ` +
      "Helm charts rarely support them; set allowDowngrade: true to do it anyway");
  }

  // --- installationMode and placement --------------------------------------------------------
  const installationMode = ev.spec.installationMode ?? "HostOnly";
  let targets: string[] = [];
  if (cs !== undefined) {
    if (installationMode !== "Multicluster") {
      problems.push(`clusterScheduling is set but ${name} ${version} is ${installationMode}: it has no agents to ` +
        "schedule to member clusters (the controller would still create an empty agent release on each); remove clusterScheduling");
    }
    const known = clusters.map((c) => c.metadata.name).sort();
    const unknown = [...new Set([...(cs.clusters ?? []), ...Object.keys(overrides),
      ...Object.keys(cs.overrides ?? {}), ...Object.keys(cs.overridesYaml ?? {})])].filter((c) => !known.includes(c)).sort();
    if (unknown.length > 0) {
      problems.push(`clusterScheduling names cluster(s) that do not exist: ${unknown.join(", ")} (the controller ` +
        `silently skips them); clusters that exist: ${known.join(", ") || "(none)"}`);
    }
    const placement = { clusters: cs.clusters, clusterSelector: cs.clusterSelector };
    targets = targetClusters(clusters, placement);
    const skipped = (cs.clusters ?? []).filter((c) => known.includes(c) && !targets.includes(c));
    if (skipped.length > 0) {
      warnings.push(`cluster(s) ${skipped.join(", ")} are not schedulable now (not Ready, or Schedulable=False); ` +
        "the controller installs their agents only when they become schedulable");
    }
    const outside = Object.keys(overrides).filter((c) => known.includes(c) && !targets.includes(c) && !(cs.clusters ?? []).includes(c));
    if (outside.length > 0 && cs.clusters && cs.clusters.length > 0) {
      warnings.push(`overrides for ${outside.join(", ")} have no effect: those clusters are not in placement.clusters`);
    }
  }

  // --- external dependencies -----------------------------------------------------------------
  const dependencies: DependencyResolution[] = [];
  const declared = context.declared ?? {};
  for (const dep of ev.spec.externalDependencies ?? []) {
    if (dep.type && dep.type !== "extension") continue;
    const range = dep.version ?? "";
    const depExt = exts.find((e) => e.metadata.name === dep.name);
    const depInstalled = depExt?.status?.state === "Installed" ? depExt.status.installedVersion : undefined;
    let res: DependencyResolution;
    if (declared[dep.name] !== undefined && satisfies(range, declared[dep.name])) {
      res = { name: dep.name, range, required: dep.required, satisfiedBy: "declared", foundVersion: declared[dep.name] };
    } else if (depInstalled && satisfies(range, depInstalled) && declared[dep.name] === undefined) {
      res = { name: dep.name, range, required: dep.required, satisfiedBy: "installed", foundVersion: depInstalled };
      const depPlan = plans.find((p) => p.metadata.name === dep.name);
      const owner = depPlan?.metadata.annotations?.[ANNOTATION_MANAGED_BY_STACK];
      if (dep.required && context.stack && owner === context.stack) {
        problems.push(`${name} ${version} requires ${dep.name} ${range}, which this stack (${context.stack}) installed but ` +
          `no longer declares, so this update would uninstall it; keep declaring ${dep.name}, or remove ${name} in the same update`);
      }
    } else {
      res = { name: dep.name, range, required: dep.required, satisfiedBy: "missing", foundVersion: declared[dep.name] ?? depInstalled };
      const found = declared[dep.name] !== undefined
        ? `it is declared in this program at ${declared[dep.name]}, which does not satisfy ${range}`
        : depInstalled ? `the cluster has ${dep.name} ${depInstalled} installed, which does not satisfy ${range}`
          : depExt?.status?.state ? `${dep.name} is in state ${depExt.status.state}, not Installed`
            : `${dep.name} is neither declared in this program nor installed in the cluster`;
      if (dep.required) {
        problems.push(`${name} ${version} requires extension ${dep.name} ${range}, but ${found}; declare ${dep.name} ` +
          "at a satisfying version alongside it (it will be installed first)");
      } else {
        warnings.push(`optional dependency ${dep.name} ${range} is not satisfied (${found}); ${name} installs without it`);
      }
    }
    dependencies.push(res);
  }

  // --- existing plans ------------------------------------------------------------------------
  const existingPlan = plans.find((p) => p.metadata.name === name);
  const strays = plans.filter((p) => p.spec?.extension?.name === name && p.metadata.name !== name).map((p) => p.metadata.name);
  if (strays.length > 0) {
    problems.push(`InstallPlan(s) ${strays.join(", ")} already manage ${name} under another name; two plans for one ` +
      "extension fight over the same Helm release. Delete or import them first");
  }
  if (existingPlan && existingPlan.spec?.extension?.name && existingPlan.spec.extension.name !== name) {
    problems.push(`an InstallPlan named ${name} already exists for extension ${existingPlan.spec.extension.name}; ` +
      "the plan must be named after its extension");
  }

  if (problems.length > 0) throw new ExtensionResolutionError(name, problems);

  let configText = config.ok ? config.text : undefined;
  if (request.retry !== undefined && request.retry !== 0) {
    configText = `${configText ?? ""}${configText && !configText.endsWith("\n") ? "\n" : ""}${RETRY_COMMENT}${request.retry}\n`;
  }
  const requiredDependencies = (ev.spec.externalDependencies ?? []).filter((d) => d.required && (!d.type || d.type === "extension"))
    .map((d) => ({ name: d.name, version: d.version }));
  const installPlan = buildInstallPlan({
    name, version, enabled: request.enabled ?? true, upgradeStrategy, config: configText,
    clusterScheduling: cs === undefined ? undefined : {
      clusters: cs.clusters, clusterSelector: cs.clusterSelector, overrides,
    },
    installationMode, requiredDependencies, managedByStack: context.stack,
  });
  return {
    name, version, extensionVersion: ev, installationMode,
    targetNamespace: ev.spec.namespace || `extension-${name}`,
    installPlan,
    configHash: fnv1a64Hex(configText ?? ""),
    installedVersion, installedState, existingPlan, dependencies, targetClusters: targets,
    recommendedVersion: recommended, warnings,
  };
}
