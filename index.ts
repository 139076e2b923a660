/**
 * @kubesphere-ext/pulumi-kubesphere — KubeSphere 4.x extensions as code.
 *
 * The components (`KubeSphereExtensionSet`, `KubeSphereExtension`) and the pieces they are built from, exported so that tools,
 * tests and the CLI share one code path: catalogs, `resolveExtension`, the dependency graph.
 */
import "./components/nodeVersion"; // first: a clear error on an unsupported Node.js, before any dependency loads
export { KubeSphereExtension, installPlanOf, readinessOf } from "./components/extension";
export { KubeSphereExtensionSet, membersOf } from "./components/extensionSet";
export { PACKAGE_NAME, EXTENSION_TYPE, EXTENSION_SET_TYPE, READINESS_RESOURCE_TYPE } from "./components/tokens";
export type { KubeSphereExtensionSetArgs, ExtensionEntryArgs } from "./components/extensionSet";
export { InstallPlanReadiness } from "./components/readiness/dynamicReadiness";
export { waitForInstallPlan, waitForInstallPlanDeletion } from "./components/readiness/waiter";
export { assessInstallPlan } from "./components/readiness/assess";
export type { ExpectedInstallPlan } from "./components/readiness/assess";
export type {
  KubeSphereExtensionArgs, KubeSphereExtensionOptions, ClusterSchedulingArgs, LabelSelectorArgs,
  LabelSelectorRequirementArgs, ClusterStateOutput, RolloutArgs, HostArgs, ExtensionRequestArgs,
} from "./components/extension";
export type { Catalog, HostVersions } from "./components/catalog/catalog";
export { StaticCatalog, parseYamlDocuments, readYamlDocuments } from "./components/catalog/staticCatalog";
export type { ClusterFacts, InstalledExtensionFact } from "./components/catalog/staticCatalog";
export { LiveCatalog, loadKubeConfig } from "./components/catalog/liveCatalog";
export type { LiveCatalogOptions } from "./components/catalog/liveCatalog";
export { resolveExtension } from "./components/resolve/resolve";
export { resolveSet } from "./components/resolve/resolveSet";
export type { ResolvedSet, SetResolveContext } from "./components/resolve/resolveSet";
export { parseExtensionRequest, parseCommonArgs } from "./components/resolve/input";
export type { InputProblem, CommonArgs } from "./components/resolve/input";
export { checkChartConfig, formatFinding, OfflineChartSource, LiveChartSource } from "./components/charts";
export type { ChartConfigCheckInput, ChartConfigCheckResult, ConfigFinding, ChartSource } from "./components/charts";
export { planRollout, describeRollout } from "./components/rollout";
export type { RolloutPlan, RolloutSpec } from "./components/rollout";
export type { ResolvedExtension, ResolveContext, DependencyResolution } from "./components/resolve/resolve";
export type { ExtensionRequest, ClusterSchedulingRequest } from "./components/resolve/request";
export { ExtensionResolutionError } from "./components/resolve/errors";
export { buildInstallPlan } from "./components/resolve/installPlan";
export { topologicalOrder, dependentsOf, DependencyCycleError } from "./components/graph/dependencyGraph";
export type { DependencyNode } from "./components/graph/dependencyGraph";
export { fnv1a64Hex } from "./components/config/configHash";
export { trimLikeWebhook } from "./components/config/webhookTrim";
export { satisfies, checkConstraint, isExactVersion } from "./components/semver/masterminds";
export * from "./components/kubesphere/types";
export * from "./components/kubesphere/annotations";
export { catalogFromMuseumIndex, museumCatalog, loadCatalogSource, museumIndexObjects } from "./components/catalog/museumIndex";
export type { MuseumIndexOptions, MuseumCatalogResult, LoadedCatalogSource } from "./components/catalog/museumIndex";
export { recommendedVersion, hostFit } from "./components/catalog/recommendedVersion";
