/**
 * Pulumi glue between the components and the pure resolution (`resolve/resolveSet.ts`): unwraps the
 * inputs (secrets included — resolution must see the values at preview; memberResources.ts wraps
 * what derives from them again), type-checks them, picks the catalog, resolves the whole set once and
 * turns every problem into one error on the component.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { componentError } from "./componentError";
import type { Catalog } from "./catalog/catalog";
import { LiveCatalog } from "./catalog/liveCatalog";
import { checkChartConfig, formatFinding, LiveChartSource, OfflineChartSource } from "./charts";
import type { ChartSource } from "./charts";
import { loadCatalogSource } from "./catalog/museumIndex";
import { DependencyCycleError } from "./graph/dependencyGraph";
import { ExtensionResolutionError } from "./resolve/errors";
import { CommonArgs, InputProblem, parseCommonArgs, parseExtensionRequest } from "./resolve/input";
import { resolveSet, ResolvedSet } from "./resolve/resolveSet";
import type { ResolvedExtension } from "./resolve/types";

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
const runCatalogs = new WeakMap<object, Map<string, Catalog | ChartSource>>();

function runCache<T extends Catalog | ChartSource>(key: string, make: () => T): T {
  const run = pulumi.runtime.getStackResource() as object | undefined;
  if (!run) return make();
  let cache = runCatalogs.get(run);
  if (!cache) runCatalogs.set(run, (cache = new Map()));
  let v = cache.get(key) as T | undefined;
  if (!v) cache.set(key, (v = make()));
  return v;
}

function liveCatalogForRun(common: CommonArgs): Catalog {
  const opts = { kubeconfig: common.kubeconfig, context: common.context, ksVersion: common.ksVersion, kubeVersion: common.kubeVersion };
  // Keyed by a digest: the kubeconfig itself is never kept as a key.
  const key = crypto.createHash("sha256").update(JSON.stringify([opts.kubeconfig ?? "", opts.context ?? "", opts.ksVersion ?? "",
    opts.kubeVersion ?? "", opts.kubeconfig === undefined ? process.env.KUBECONFIG ?? "" : ""])).digest("hex");
  return runCache(`catalog:${key}`, () => new LiveCatalog(opts));
}

/** Where the charts of this resolution come from: `chartsPath`, else the live cluster, else none. */
function chartSourceFor(common: CommonArgs, catalog: Catalog): ChartSource | undefined {
  if (common.chartsPath) return runCache(`charts:${common.chartsPath}`, () => OfflineChartSource.fromDirectory(common.chartsPath!));
  if (catalog instanceof LiveCatalog) return runCache(`charts:live:${catalog.description}`, () => new LiveChartSource({ kubeConfig: catalog.kubeConfig }));
  return undefined;
}

/**
 * Checks each member's config and overrides against its chart (docs/chart-config-checks.md): errors
 * (schema violations, or anything under `strictConfig`) fail the resolution; warnings and upgrade
 * notices are logged on the component; "not checked" is said once with its reason.
 */
async function checkMembersAgainstCharts(members: ResolvedExtension[], common: CommonArgs, source: ChartSource | undefined,
  parent: pulumi.Resource): Promise<string[]> {
  const errors: string[] = [];
  for (const m of members) {
    const spec = m.installPlan.spec;
    if (spec.config === undefined && Object.keys(spec.clusterScheduling?.overrides ?? {}).length === 0) continue;
    const result = await checkChartConfig({
      source, extension: m.name, version: m.version,
      previousVersion: m.installedVersion !== undefined && m.installedVersion !== m.version ? m.installedVersion : undefined,
      configYaml: spec.config, overridesYaml: spec.clusterScheduling?.overrides, strict: common.strictConfig ?? false,
    });
    if (result.note) pulumi.log.info(`${m.name}: ${result.note}`, parent);
    for (const f of result.findings) {
      const line = `${m.name} ${m.version}: ${formatFinding(f)}`;
      if (f.severity === "error") errors.push(line);
      else if (f.severity === "warning") pulumi.log.warn(line, parent);
      else pulumi.log.info(line, parent);
    }
  }
  return errors;
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
    const shape = rawRequests.flatMap((r, i) => parseExtensionRequest(r, subject.startsWith("set ") ? `extensions[${i}]` : "").problems);
    throw componentError(describeProblems(subject, [...problems, ...shape]), parent);
  }
  try {
    const catalog = chooseCatalog(common, injected, (m) => pulumi.log.warn(m, parent));
    // A set of one is still a set: its problems name the entry (`extensions[0] (name): ...`).
    const set = await resolveSet(catalog, rawRequests, {
      declared, ksVersion: common.ksVersion, kubeVersion: common.kubeVersion, stack, standalone: !subject.startsWith("set "),
    });
    for (const m of set.members) for (const w of m.warnings) pulumi.log.warn(`${m.name}: ${w}`, parent);
    const chartErrors = await checkMembersAgainstCharts(set.members, common, chartSourceFor(common, catalog), parent);
    if (chartErrors.length > 0) {
      throw new ExtensionResolutionError(subject.replace(/^\w+ /, "").replace(/^"|"$/g, ""),
        [...chartErrors, ...(common.strictConfig ? ["(strictConfig: findings against the chart are errors; fix the keys, or unset strictConfig)"] : [])]);
    }
    return { set, common };
  } catch (e) {
    throw componentError(resolutionFailureMessage(e), parent);
  }
}
