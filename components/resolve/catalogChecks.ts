/**
 * Checks of a request against the catalog: the extension and version exist (and are not malformed),
 * the host satisfies ksVersion/kubeVersion, required dependencies are members, declared or installed,
 * the placement fits the installation mode and targets real clusters, and an existing InstallPlan
 * belongs to this stack. Pure apart from reading the catalog once (`readCatalog`).
 */
import { DEFAULT_REPOSITORY_DEPTH } from "../catalog/catalog";
import type { Catalog, HostVersions, InvalidCatalogObject } from "../catalog/catalog";
import { ANNOTATION_MANAGED_BY_STACK } from "../kubesphere/annotations";
import { matchesSelector, targetClusters } from "../kubesphere/clusters";
import { SELECTOR_OPERATORS } from "../kubesphere/labelSelector";
import type { Cluster, Extension, ExtensionVersion, InstallPlan, Repository } from "../kubesphere/types";
import { LABEL_EXTENSION_REF, LABEL_REPOSITORY_REF } from "../kubesphere/types";
import { checkConstraint, compareVersions, satisfies, sortVersions, stripVendorSuffix } from "../semver/masterminds";
import { fieldPath } from "./input";
import type { CheckedRequest } from "./requestChecks";
import type { DependencyResolution } from "./types";

/** Everything resolution reads from a catalog, read once for a whole set. */
export interface CatalogSnapshot {
  description: string;
  extensionVersions: ExtensionVersion[];
  extensions: Extension[];
  repositories: Repository[];
  clusters: Cluster[];
  installPlans: InstallPlan[];
  host: HostVersions;
  invalid: InvalidCatalogObject[];
}

/**
 * Reads every kind once (and the catalog's malformed objects, when it reports them). A failure (cluster unreachable, no permission) is returned as a problem, not
 * thrown, so it is reported together with the request's own problems.
 */
export async function readCatalog(catalog: Catalog): Promise<{ snapshot?: CatalogSnapshot; problem?: string }> {
  try {
    const [extensionVersions, extensions, repositories, clusters, installPlans, host] = await Promise.all([
      catalog.extensionVersions(), catalog.extensions(), catalog.repositories(), catalog.clusters(),
      catalog.installPlans(), catalog.hostVersions(),
    ]);
    const invalid = catalog.invalidObjects ? await catalog.invalidObjects() : [];
    return { snapshot: { description: catalog.description, extensionVersions, extensions, repositories, clusters, installPlans, host, invalid } };
  } catch (e) {
    return { problem: `cannot read the catalog (${catalog.description}): ${(e as Error)?.message ?? String(e)}` };
  }
}


function lowerThan(a: string, b: string): boolean {
  try { return compareVersions(a, b) < 0; } catch { return false; }
}

/** Names within a small edit distance of `wanted`, for "did you mean". */
export function closestNames(wanted: string, names: string[]): string[] {
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
  const repoName = ev?.spec.repository ?? ev?.metadata.labels?.[LABEL_REPOSITORY_REF];
  const repo = repos.find((r) => r.metadata.name === repoName) ?? (repos.length === 1 ? repos[0] : undefined);
  const depth = repo?.spec?.depth;
  return { name: repo?.metadata.name, depth: typeof depth === "number" ? depth : DEFAULT_REPOSITORY_DEPTH };
}

function describeVersions(name: string, available: string[], recommended: string | undefined): string {
  if (available.length === 0) return `no versions of ${name} exist in the catalog`;
  return `versions that exist: ${available.join(", ")}${recommended ? ` (recommended: ${recommended})` : ""}`;
}

function versionsOfExtension(evs: ExtensionVersion[], name: string): ExtensionVersion[] {
  return evs.filter((ev) => {
    const ref = ev.metadata.labels?.[LABEL_EXTENSION_REF];
    if (ref !== undefined) return ref === name;
    return ev.spec.version !== undefined && ev.metadata.name === `${name}-${ev.spec.version}`;
  });
}

function quoteList(names: string[]): string {
  return names.map((n) => JSON.stringify(n)).join(", ");
}

/** What catalog checks found out; `ev` is set when the version exists and is usable. */
export interface CatalogFacts {
  ev?: ExtensionVersion;
  installationMode: string;
  targetNamespace: string;
  dependencies: DependencyResolution[];
  targetClusters: string[];
  existingPlan?: InstallPlan;
  installedVersion?: string;
  installedState?: string;
  recommendedVersion?: string;
  adopted?: boolean;
  problems: string[];
  warnings: string[];
}

/** How the request relates to the rest of the program, for dependency and ownership checks. */
export interface CatalogCheckContext {
  /** Other members of the same set and extensions given in `dependsOn`, name -> version. */
  declared: Record<string, string>;
  /** Names of the other members of the set (for wording). */
  members: Set<string>;
  /** `<project>/<stack>`; unset: ownership of existing plans is not checked. */
  stack?: string;
  ksVersion?: string;
  kubeVersion?: string;
  /** Prefix of field paths, e.g. `extensions[1]`. */
  path?: string;
}

/**
 * Checks a request (already through `checkRequest`, with a valid name) against a catalog snapshot.
 *
 * @param snap the catalog as read once for the whole set
 * @param checked the request after the checks that need no catalog
 * @param ctx the other members, extensions given in `dependsOn`, the stack identity, host overrides
 * @returns what the catalog says about the request, with every problem (messages start with the field
 *   or the extension, never with the member prefix, which `resolveSet` adds)
 */
export function checkAgainstCatalog(snap: CatalogSnapshot, checked: CheckedRequest, ctx: CatalogCheckContext): CatalogFacts {
  const problems: string[] = [];
  const warnings: string[] = [];
  const name = checked.name!;
  const version = checked.version;
  const request = checked.request;
  const at = (f: string): string => fieldPath(ctx.path, f);
  const facts: CatalogFacts = { installationMode: "HostOnly", targetNamespace: `extension-${name}`, dependencies: [], targetClusters: [], problems, warnings };

  const evs = versionsOfExtension(snap.extensionVersions, name);
  const extension = snap.extensions.find((e) => e.metadata.name === name);
  const available = sortVersions(evs.map((ev) => ev.spec.version ?? ev.metadata.name.slice(name.length + 1)));
  facts.recommendedVersion = extension?.status?.recommendedVersion || undefined;
  facts.installedVersion = extension?.status?.installedVersion || undefined;
  facts.installedState = extension?.status?.state || undefined;
  const invalidOfThis = snap.invalid.filter((o) => o.kind === "ExtensionVersion" &&
    (o.extension === name || (o.extension === undefined && o.name?.startsWith(`${name}-`))));
  const invalidExtension = snap.invalid.find((o) => o.kind === "Extension" && o.name === name);
  if (invalidExtension) {
    problems.push(`the catalog's Extension ${JSON.stringify(name)} (${invalidExtension.source}) is malformed, so what is installed ` +
      `cannot be read (and a downgrade cannot be detected): ${invalidExtension.problems.join("; ")}. Fix or re-sync the catalog source`);
  }
  const invalidRequested = version === undefined ? undefined : invalidOfThis.find((o) => o.name === `${name}-${version}`);
  for (const o of invalidOfThis.filter((x) => x !== invalidRequested)) {
    warnings.push(`the catalog's ExtensionVersion ${JSON.stringify(o.name ?? "<unnamed>")} (${o.source}) is malformed and ignored: ${o.problems.join("; ")}`);
  }

  // --- existence ---------------------------------------------------------------------------------
  if (evs.length === 0 && invalidOfThis.length === 0) {
    const allNames = [...new Set([...snap.extensions.map((e) => e.metadata.name),
      ...snap.extensionVersions.map((ev) => ev.metadata.labels?.[LABEL_EXTENSION_REF] ?? "")])]
      .filter((n) => n !== "").sort();
    const similar = closestNames(name, allNames);
    problems.push(`extension ${JSON.stringify(name)} does not exist in ${snap.description}` +
      (similar.length > 0 ? `; did you mean ${similar.map((s) => JSON.stringify(s)).join(" or ")}?` :
        `; extensions that exist: ${allNames.join(", ") || "(none)"}`));
    return facts;
  }
  const ev = version === undefined ? undefined : evs.find((e) => e.metadata.name === `${name}-${version}`);
  if (invalidRequested) {
    problems.push(`the catalog's ExtensionVersion ${JSON.stringify(invalidRequested.name)} (${invalidRequested.source}) is malformed, ` +
      `so ${name} ${version} cannot be resolved: ${invalidRequested.problems.join("; ")}. Fix the catalog source (or ask the ` +
      `extension's publisher); ${describeVersions(name, available, facts.recommendedVersion)}`);
  } else if (version !== undefined && !ev) {
    let message = `version ${version} does not exist: there is no ExtensionVersion ${JSON.stringify(`${name}-${version}`)} ` +
      `(the controller would silently do nothing); ${describeVersions(name, available, facts.recommendedVersion)}`;
    const oldest = available[0];
    const { name: repoName, depth } = repositoryDepth(snap.repositories, evs[0]);
    if (oldest && lowerThan(version, oldest) && depth > 0) {
      message += `. ${version} is older than every synced version: the Repository ${repoName ? JSON.stringify(repoName) + " " : ""}` +
        `keeps only the newest ${depth} version(s) per extension (spec.depth${depth === DEFAULT_REPOSITORY_DEPTH ? " unset, default 3" : ` = ${depth}`}); ` +
        "set spec.depth to 0 (all) or higher to sync older versions";
    }
    problems.push(message);
  } else if (version === undefined) {
    problems.push(describeVersions(name, available, facts.recommendedVersion).replace(/^v/, "V"));
  }
  if (!ev) return facts;
  facts.ev = ev;
  facts.targetNamespace = ev.spec.namespace || `extension-${name}`;

  // --- compatibility -----------------------------------------------------------------------------
  const ksVersion = ctx.ksVersion ?? snap.host.ksVersion;
  const kubeVersion = ctx.kubeVersion ?? snap.host.kubeVersion;
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

  // --- downgrade ---------------------------------------------------------------------------------
  if (facts.installedVersion && lowerThan(version!, facts.installedVersion) && request.allowDowngrade !== true) {
    problems.push(`${version} is lower than the installed version ${facts.installedVersion}: downgrades are refused because ` +
      `Helm charts rarely support them; set ${at("allowDowngrade")}: true (the boolean, not a string) to do it anyway`);
  }

  // --- installationMode and placement ------------------------------------------------------------
  facts.installationMode = ev.spec.installationMode ?? "HostOnly";
  const cs = request.clusterScheduling;
  if (cs !== undefined) checkPlacement(snap, checked, ctx, facts);

  // --- external dependencies ---------------------------------------------------------------------
  const declared = ctx.declared;
  for (const dep of ev.spec.externalDependencies ?? []) {
    if (dep.type && dep.type !== "extension") continue;
    const range = dep.version ?? "";
    if (dep.name === name) {
      problems.push(`${name} ${version} lists itself in spec.externalDependencies (${name} ${range}): this is an error in the ` +
        `catalog, not in your program, and no declaration can satisfy it; use another version of ${name} or ask its publisher ` +
        "to remove the entry from extension.yaml");
      continue;
    }
    const depExt = snap.extensions.find((e) => e.metadata.name === dep.name);
    const depInstalled = depExt?.status?.state === "Installed" ? depExt.status.installedVersion : undefined;
    let res: DependencyResolution;
    const where = ctx.members.has(dep.name) ? "in this set" : "in this program (dependsOn)";
    if (declared[dep.name] !== undefined && satisfies(range, declared[dep.name])) {
      res = { name: dep.name, range, required: dep.required, satisfiedBy: "declared", foundVersion: declared[dep.name] };
    } else if (depInstalled && satisfies(range, depInstalled) && declared[dep.name] === undefined) {
      res = { name: dep.name, range, required: dep.required, satisfiedBy: "installed", foundVersion: depInstalled };
      const depPlan = snap.installPlans.find((p) => p.metadata.name === dep.name);
      const owner = depPlan?.metadata.annotations?.[ANNOTATION_MANAGED_BY_STACK];
      if (dep.required && ctx.stack && owner === ctx.stack) {
        problems.push(`${name} ${version} requires ${dep.name} ${range}, which this stack (${ctx.stack}) installed but ` +
          `no longer declares, so this update would uninstall it; keep declaring ${dep.name}, or remove ${name} in the same update`);
      }
    } else {
      res = { name: dep.name, range, required: dep.required, satisfiedBy: "missing", foundVersion: declared[dep.name] ?? depInstalled };
      const found = declared[dep.name] !== undefined
        ? `it is declared ${where} at ${declared[dep.name]}, which does not satisfy ${range}`
        : depInstalled ? `the cluster has ${dep.name} ${depInstalled} installed, which does not satisfy ${range}`
          : depExt?.status?.state ? `${dep.name} is in state ${depExt.status.state}, not Installed`
            : `${dep.name} is neither declared (in this set or in \`dependsOn\`) nor installed in the cluster`;
      if (dep.required) {
        problems.push(`${name} ${version} requires extension ${dep.name} ${range}, but ${found}; add ${dep.name} at a satisfying ` +
          `version to the KubeSphereExtensionSet, or declare it as a KubeSphereExtension and pass that resource in this ` +
          "extension's `dependsOn` (it is then installed first)");
      } else {
        warnings.push(`optional dependency ${dep.name} ${range} is not satisfied (${found}); ${name} installs without it`);
      }
    }
    facts.dependencies.push(res);
  }

  // --- existing plans ----------------------------------------------------------------------------
  const invalidPlan = snap.invalid.find((o) => o.kind === "InstallPlan" && o.name === name);
  if (invalidPlan) {
    problems.push(`an InstallPlan named ${JSON.stringify(name)} exists but is malformed (${invalidPlan.problems.join("; ")}); ` +
      "inspect it with `kubectl get installplan " + name + " -o yaml` and fix or delete it first");
  }
  const existingPlan = snap.installPlans.find((p) => p.metadata.name === name);
  facts.existingPlan = existingPlan;
  const strays = snap.installPlans.filter((p) => p.spec?.extension?.name === name && p.metadata.name !== name).map((p) => p.metadata.name);
  if (strays.length > 0) {
    problems.push(`InstallPlan(s) ${strays.join(", ")} already manage ${name} under another name; two plans for one ` +
      "extension fight over the same Helm release. Delete or import them first");
  }
  if (existingPlan && existingPlan.spec?.extension?.name && existingPlan.spec.extension.name !== name) {
    problems.push(`an InstallPlan named ${name} already exists for extension ${existingPlan.spec.extension.name}; ` +
      "the plan must be named after its extension");
  }
  const existingScheduling = existingPlan?.spec?.clusterScheduling;
  if (request.clusterScheduling === undefined && existingScheduling) {
    const placed = existingScheduling.placement?.clusters?.length ? `clusters ${quoteList(existingScheduling.placement.clusters)}`
      : existingScheduling.placement?.clusterSelector ? `clusterSelector ${JSON.stringify(existingScheduling.placement.clusterSelector)}` : "its placement";
    problems.push(`clusterScheduling is not set, but the existing InstallPlan ${JSON.stringify(name)} places agents by ${placed}: ` +
      "removing clusterScheduling does NOT uninstall them (the controller syncs member clusters only while it is set, " +
      `see docs/kubesphere-behavior.md §2.7, §2.9), so they would stay behind unmanaged. Keep clusterScheduling, or set ${at("clusterScheduling")}: ` +
      "{ clusters: [], allowNoClusters: true } to uninstall every agent");
  }
  if (existingPlan && ctx.stack) {
    const owner = existingPlan.metadata.annotations?.[ANNOTATION_MANAGED_BY_STACK];
    if (owner !== ctx.stack) {
      const whose = owner ? `it is managed by the stack ${JSON.stringify(owner)}` :
        `it has no ${ANNOTATION_MANAGED_BY_STACK} annotation (created from the KubeSphere console, kubectl or another tool)`;
      if (request.adopt === true) {
        facts.adopted = true;
        warnings.push(`taking over the existing InstallPlan ${JSON.stringify(name)} (${whose}) because ${at("adopt")} is true; ` +
          `it will be stamped ${ANNOTATION_MANAGED_BY_STACK}: ${ctx.stack}`);
      } else {
        problems.push(`an InstallPlan named ${JSON.stringify(name)} already exists and was not created by this stack (${ctx.stack}): ` +
          `${whose}. It is never taken over silently. To manage it from this stack on purpose, set ${at("adopt")}: true ` +
          "(the update stamps it with this stack; afterwards the flag is no longer needed), or import it first with " +
          `\`pulumi import kubernetes:kubesphere.io/v1alpha1:InstallPlan <resource name> ${name}\` and keep ${at("adopt")}: true ` +
          "for the update that stamps it; otherwise remove this extension from the program");
      }
    }
  }
  return facts;
}

function describeCluster(c: Cluster): string {
  const labels = Object.entries(c.metadata.labels ?? {}).map(([k, v]) => (v === "" ? k : `${k}=${v}`));
  return `${JSON.stringify(c.metadata.name)}${labels.length > 0 ? ` {${labels.join(", ")}}` : ""}`;
}

/** Placement rules: mode, cluster existence, a placement that targets nothing, overrides that never apply. */
function checkPlacement(snap: CatalogSnapshot, checked: CheckedRequest, ctx: CatalogCheckContext, facts: CatalogFacts): void {
  const { problems, warnings } = facts;
  const cs = checked.request.clusterScheduling!;
  const name = checked.name!;
  const csAt = fieldPath(ctx.path, "clusterScheduling");
  if (facts.installationMode !== "Multicluster") {
    problems.push(`clusterScheduling is set but ${name} ${checked.version} is ${facts.installationMode}: it has no agents to ` +
      "schedule to member clusters (the controller would still create an empty agent release on each); remove clusterScheduling");
  }
  const known = snap.clusters.map((c) => c.metadata.name).sort();
  const overrideKeys = [...new Set([...Object.keys(cs.overrides ?? {}), ...Object.keys(cs.overridesYaml ?? {})])];
  const unknown = [...new Set([...(cs.clusters ?? []), ...overrideKeys])].filter((c) => !known.includes(c)).sort();
  if (unknown.length > 0) {
    problems.push(`${csAt} names cluster(s) that do not exist: ${quoteList(unknown)} (the controller silently skips them); ` +
      `clusters that exist: ${known.join(", ") || "(none)"}`);
  }
  // The clusters the placement selects, schedulable or not (as the controller picks them, docs/kubesphere-behavior.md §2.9).
  let selected: string[];
  let placementText: string;
  if (cs.clusters && cs.clusters.length > 0) {
    selected = cs.clusters.filter((c) => known.includes(c));
    placementText = `clusters ${quoteList(cs.clusters)}`;
  } else if (cs.clusterSelector !== undefined) {
    // A selector with a bad operator is reported by the request checks; it selects nothing here.
    const valid = (cs.clusterSelector.matchExpressions ?? []).every((e) => (SELECTOR_OPERATORS as readonly string[]).includes(e.operator));
    selected = valid ? snap.clusters.filter((c) => matchesSelector(c.metadata.labels, cs.clusterSelector!)).map((c) => c.metadata.name) : [];
    placementText = `clusterSelector ${JSON.stringify(cs.clusterSelector)}`;
    if (valid && selected.length === 0 && cs.allowNoClusters !== true) {
      problems.push(`${csAt}.clusterSelector ${JSON.stringify(cs.clusterSelector)} matches no Cluster, so ${name}'s agents would be ` +
        `removed from (or never installed on) every member cluster; clusters and their labels: ` +
        `${snap.clusters.map(describeCluster).join("; ") || "(none)"}. Fix the selector, or set ${csAt}.allowNoClusters: true ` +
        "if no cluster is what you want");
    }
  } else {
    selected = [];
    placementText = "an empty placement";
    if (cs.allowNoClusters !== true && overrideKeys.length === 0) {
      problems.push(`${csAt} gives neither clusters nor a clusterSelector: the InstallPlan's placement would be empty, which ` +
        `removes ${name}'s agents from every member cluster. List clusters, give a clusterSelector ({} selects all), or set ` +
        `${csAt}.allowNoClusters: true if that is what you want`);
    }
  }
  facts.targetClusters = targetClusters(snap.clusters, { clusters: cs.clusters, clusterSelector: cs.clusterSelector });
  const notNow = selected.filter((c) => !facts.targetClusters.includes(c));
  if (notNow.length > 0) {
    warnings.push(`cluster(s) ${notNow.join(", ")} are not schedulable now (not Ready, or Schedulable=False); ` +
      "the controller installs their agents only when they become schedulable");
  }
  const hasPlacement = (cs.clusters?.length ?? 0) > 0 || cs.clusterSelector !== undefined;
  const never = overrideKeys.filter((c) => known.includes(c) && !selected.includes(c));
  if (hasPlacement && never.length > 0) {
    problems.push(`${csAt}.overrides for ${quoteList(never)} can never apply: ${never.length === 1 ? "that cluster is" : "those clusters are"} ` +
      `not selected by the placement (${placementText}${selected.length > 0 ? `, which selects ${quoteList(selected)}` : ", which selects no cluster"}); ` +
      "add them to the placement or remove their overrides");
  }
}
