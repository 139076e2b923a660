/**
 * Pulumi glue between the components and the pure resolution (`resolve/resolveSet.ts`): unwraps the
 * inputs (secrets included — resolution must see the values at preview; memberResources.ts wraps
 * what derives from them again), type-checks them, picks the catalog, resolves the whole set once and
 * turns every problem into one error on the component.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type { Catalog } from "./catalog/catalog";
import { LiveCatalog } from "./catalog/liveCatalog";
import { loadCatalogSource } from "./catalog/museumIndex";
import { DependencyCycleError } from "./graph/dependencyGraph";
import { ExtensionResolutionError } from "./resolve/errors";
import { CommonArgs, InputProblem, parseCommonArgs, parseExtensionRequest } from "./resolve/input";
import { resolveSet, ResolvedSet } from "./resolve/resolveSet";

/** Default seconds for the install and the uninstall waits (Helm's own timeout is 10 minutes, plus the chart download). */
export const DEFAULT_TIMEOUT_SECONDS = 900;

/** Keys of the component arguments that are not part of an extension request. */
export const COMMON_ARG_KEYS = [
  "kubeconfig", "context", "catalogPaths", "installedExtensions", "clusterNames", "ksVersion", "kubeVersion",
  "timeoutSeconds", "deleteTimeoutSeconds", "forceDeleteOnDestroy", "removeWithDependents", "chartsPath", "strictConfig",
] as const;

/** What a component resolved: the set, and the type-checked common arguments. */
export interface ComponentResolution {
  set: ResolvedSet;
  common: CommonArgs;
}

// Catalog reads are shared by the components of ONE program run (one LIST per kind per run), keyed
// by that run's root stack resource: a second run in the same process has a new stack resource and
// reads afresh. Without a stack resource (mocks, the provider's construct) nothing is shared.
const runCatalogs = new WeakMap<object, Map<string, Catalog>>();

function liveCatalogForRun(common: CommonArgs): Catalog {
  const opts = { kubeconfig: common.kubeconfig, context: common.context, ksVersion: common.ksVersion, kubeVersion: common.kubeVersion };
  const run = pulumi.runtime.getStackResource() as object | undefined;
  if (!run) return new LiveCatalog(opts);
  let catalogs = runCatalogs.get(run);
  if (!catalogs) runCatalogs.set(run, (catalogs = new Map()));
  // Keyed by a digest: the kubeconfig itself is never kept as a key.
  const key = crypto.createHash("sha256").update(JSON.stringify([opts.kubeconfig ?? "", opts.context ?? "", opts.ksVersion ?? "",
    opts.kubeVersion ?? "", opts.kubeconfig === undefined ? process.env.KUBECONFIG ?? "" : ""])).digest("hex");
  let catalog = catalogs.get(key);
  if (!catalog) catalogs.set(key, (catalog = new LiveCatalog(opts)));
  return catalog;
}

/** Chooses where facts come from: the injected catalog, offline files, or the cluster. */
export function chooseCatalog(common: CommonArgs, injected: Catalog | undefined, warn: (m: string) => void): Catalog {
  if (injected) return injected;
  if (common.catalogPaths && common.catalogPaths.length > 0) {
    // YAML objects and/or extensions-museum `index.yaml` files (air-gapped previews).
    const { catalog, warnings } = loadCatalogSource(common.catalogPaths, {
      ksVersion: common.ksVersion, kubeVersion: common.kubeVersion,
      installed: common.installedExtensions, clusters: common.clusterNames,
    });
    for (const w of warnings) warn(w);
    return catalog;
  }
  return liveCatalogForRun(common);
}

function describeProblems(subject: string, problems: InputProblem[]): string {
  const lines = problems.map((p) => p.message);
  return lines.length === 1 ? `${subject}: ${lines[0]}` : `${subject} has ${lines.length} problems:\n${lines.map((l) => `  - ${l}`).join("\n")}`;
}

/** The message of a resolution failure, without a stack trace. */
export function resolutionFailureMessage(e: unknown): string {
  if (e instanceof ExtensionResolutionError || e instanceof DependencyCycleError) return e.message;
  return `could not resolve: ${(e as Error)?.message ?? String(e)}`;
}

/**
 * Resolves `requests` (raw user values) as one set. Rejects with a `ResourceError` on `parent`
 * carrying every problem (arguments, each member, cycles) — never a stack trace.
 *
 * @param parent the component the error is reported on.
 * @param subject how the error names the component (`extension "devops"`, `set "platform"`).
 * @param rawCommon the common arguments (plain values).
 * @param rawRequests the extension requests (plain values).
 * @param declared extensions stated in `dependsOn`, `name -> version`.
 * @param injected a catalog given in the TypeScript options, if any.
 * @param stack `<project>/<stack>` (the identity stamped on plans).
 */
export async function resolveForComponent(
  parent: pulumi.Resource,
  subject: string,
  rawCommon: Record<string, unknown>,
  rawRequests: unknown[],
  declared: Record<string, string>,
  injected: Catalog | undefined,
  stack: string,
): Promise<ComponentResolution> {
  const { args: common, problems } = parseCommonArgs(rawCommon);
  if (problems.length > 0) {
    // Without valid arguments there is no catalog to read; the requests' own shape problems are
    // still reported with them, so one run shows everything that needs fixing.
    const shape = rawRequests.flatMap((r, i) => parseExtensionRequest(r, rawRequests.length > 1 ? `extensions[${i}]` : "").problems);
    throw new pulumi.ResourceError(describeProblems(subject, [...problems, ...shape]), parent, true);
  }
  try {
    const catalog = chooseCatalog(common, injected, (m) => pulumi.log.warn(m, parent));
    const set = await resolveSet(catalog, rawRequests, { declared, ksVersion: common.ksVersion, kubeVersion: common.kubeVersion, stack });
    for (const m of set.members) for (const w of m.warnings) pulumi.log.warn(`${m.name}: ${w}`, parent);
    return { set, common };
  } catch (e) {
    throw new pulumi.ResourceError(resolutionFailureMessage(e), parent, true);
  }
}
