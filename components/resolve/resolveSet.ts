/**
 * One resolution for a whole set of requests: every member's request checks (no catalog) first,
 * then one read of the catalog and every member's catalog checks, duplicate names, and the install
 * order with any dependency cycle spelled out. All problems of all members are reported at once.
 * A standalone `KubeSphereExtension` is a set of one. Pure apart from the Catalog it reads.
 */
import type { Catalog } from "../catalog/catalog";
import { fnv1a64Hex } from "../config/configHash";
import { DependencyCycleError, topologicalOrder } from "../graph/dependencyGraph";
import { checkAgainstCatalog, CatalogFacts, CatalogSnapshot, readCatalog } from "./catalogChecks";
import { ExtensionResolutionError } from "./errors";
import { buildInstallPlan } from "./installPlan";
import { describeValue } from "./input";
import { checkRequest, CheckedRequest } from "./requestChecks";
import type { ResolveContext, ResolvedExtension } from "./types";

/** Context of a set resolution. */
export interface SetResolveContext extends ResolveContext {
  /** Extensions declared OUTSIDE this set that the user stated explicitly (via `dependsOn`), name -> version. */
  declared?: Record<string, string>;
  /**
   * The requests are one standalone `KubeSphereExtension`, not `extensions[]` of a set: problems are
   * then not prefixed with `extensions[i] (name): `. Default: true exactly when there is one request.
   */
  standalone?: boolean;
}

/** A resolved set. */
export interface ResolvedSet {
  /** Every member, in install order (dependencies first). */
  members: ResolvedExtension[];
  /** Member names in install order (deletes run in reverse). */
  order: string[];
}

function memberLabel(raw: unknown, checked: CheckedRequest, i: number): string {
  const rawName = (raw as { name?: unknown } | null)?.name;
  const shown = checked.name ?? (typeof rawName === "string" ? JSON.stringify(rawName) : undefined);
  return `extensions[${i}]${shown !== undefined ? ` (${shown})` : ""}`;
}

function assemble(checked: CheckedRequest, facts: CatalogFacts, stack: string | undefined): ResolvedExtension {
  const ev = facts.ev!;
  const cs = checked.request.clusterScheduling;
  const requiredDependencies = (ev.spec.externalDependencies ?? [])
    .filter((d) => d.required && (!d.type || d.type === "extension") && d.name !== checked.name)
    .map((d) => ({ name: d.name, version: d.version }));
  const installPlan = buildInstallPlan({
    name: checked.name!, version: checked.version!, enabled: checked.request.enabled ?? true,
    upgradeStrategy: checked.upgradeStrategy, config: checked.configText,
    clusterScheduling: cs === undefined ? undefined : { clusters: cs.clusters, clusterSelector: cs.clusterSelector, overrides: checked.overrides },
    installationMode: facts.installationMode, requiredDependencies, managedByStack: stack,
  });
  return {
    name: checked.name!, version: checked.version!, extensionVersion: ev, installationMode: facts.installationMode,
    targetNamespace: facts.targetNamespace, installPlan, configHash: fnv1a64Hex(checked.configText ?? ""),
    installedVersion: facts.installedVersion, installedState: facts.installedState, existingPlan: facts.existingPlan,
    dependencies: facts.dependencies, targetClusters: facts.targetClusters, recommendedVersion: facts.recommendedVersion,
    ...(facts.adopted ? { adopted: true } : {}),
    warnings: [...checked.warnings, ...facts.warnings],
  };
}

/**
 * Resolves every request of a set against one catalog read.
 *
 * @param catalog where ExtensionVersions, Extensions, Clusters and InstallPlans come from
 * @param requests raw requests as received (any types; they are checked here)
 * @param context host version overrides, the stack identity, extensions declared outside the set
 * @returns the members in install order with their exact InstallPlans
 * @throws ExtensionResolutionError whose `problems` hold every member's problems (prefixed with the
 *   member, e.g. `extensions[1] (whizard-monitoring): ...`), duplicate names and any dependency cycle
 */
export async function resolveSet(catalog: Catalog, requests: unknown[], context: SetResolveContext = {}): Promise<ResolvedSet> {
  if (!Array.isArray(requests)) {
    throw new ExtensionResolutionError("", [`extensions must be a list of { name, version, ... } entries, not ${describeValue(requests)}`],
      "extension set");
  }
  const standalone = context.standalone ?? requests.length === 1;
  const outside = context.declared ?? {};
  const problems: string[] = [];
  const checked = requests.map((r) => checkRequest(r));
  const labels = requests.map((r, i) => (standalone ? "" : `${memberLabel(r, checked[i], i)}: `));
  checked.forEach((c, i) => problems.push(...c.problems.map((p) => labels[i] + p)));

  // --- one InstallPlan per extension -------------------------------------------------------------
  const byName = new Map<string, number[]>();
  checked.forEach((c, i) => { if (c.name !== undefined) byName.set(c.name, [...(byName.get(c.name) ?? []), i]); });
  for (const [name, idx] of byName) {
    if (idx.length > 1) {
      problems.push(`${idx.map((i) => `extensions[${i}]`).join(" and ")} all declare ${JSON.stringify(name)}: each becomes the ` +
        `InstallPlan ${JSON.stringify(name)}, and plans of one name overwrite each other; declare each extension once`);
    }
    if (outside[name] !== undefined) {
      problems.push(`${standalone ? "" : `${labels[idx[0]]}`}${JSON.stringify(name)} is also passed in \`dependsOn\` as a ` +
        "separate KubeSphereExtension: both would write the InstallPlan " + `${JSON.stringify(name)}; declare it once`);
    }
  }

  // --- catalog checks ------------------------------------------------------------------------------
  const facts: Array<CatalogFacts | undefined> = checked.map(() => undefined);
  if (checked.some((c) => c.name !== undefined)) {
    const { snapshot, problem } = await readCatalog(catalog);
    if (problem) problems.push(problem);
    if (snapshot) {
      const memberVersions: Record<string, string> = {};
      for (const c of checked) {
        if (c.name !== undefined && typeof c.request.version === "string" && byName.get(c.name)!.length === 1) {
          memberVersions[c.name] = c.request.version;
        }
      }
      checked.forEach((c, i) => {
        if (c.name === undefined) return;
        const declared = { ...outside, ...memberVersions };
        delete declared[c.name];
        const members = new Set(Object.keys(memberVersions).filter((n) => n !== c.name));
        const f = checkAgainstCatalog(snapshot as CatalogSnapshot, c, {
          declared, members, stack: context.stack, ksVersion: context.ksVersion, kubeVersion: context.kubeVersion,
        });
        facts[i] = f;
        problems.push(...f.problems.map((p) => labels[i] + p));
      });
    }
  }

  // --- order -------------------------------------------------------------------------------------
  const names = new Set(checked.filter((c, i) => c.name !== undefined && facts[i]?.ev).map((c) => c.name!));
  let order: string[] = [];
  try {
    order = topologicalOrder(checked.flatMap((c, i) => (c.name !== undefined && facts[i]?.ev && byName.get(c.name)![0] === i ? [{
      name: c.name,
      requires: facts[i]!.dependencies.filter((d) => d.required && names.has(d.name)).map((d) => d.name),
    }] : [])));
  } catch (e) {
    if (!(e instanceof DependencyCycleError)) throw e;
    problems.push(e.message);
  }

  if (problems.length > 0) {
    const all = checked.map((c, i) => c.name ?? (typeof (requests[i] as { name?: unknown } | null)?.name === "string"
      ? (requests[i] as { name: string }).name : `extensions[${i}]`));
    throw new ExtensionResolutionError(all.join(", "), problems,
      standalone ? undefined : `extension set (${all.join(", ")})`);
  }
  const resolved = new Map(checked.map((c, i) => [c.name!, assemble(c, facts[i]!, context.stack)]));
  return { members: order.map((n) => resolved.get(n)!), order };
}
