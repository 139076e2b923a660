/**
 * Chart-config checks (docs/chart-config-checks.md): the one entry point `checkChartConfig`, the
 * chart sources, and the pieces the CLI uses (values model, default diffs, finding format).
 */
export { checkChartConfig, formatFinding } from "./checkChartConfig";
export type { ChartConfigCheckInput, ChartConfigCheckResult } from "./checkChartConfig";
export type { ConfigFinding } from "./findings";
export { LiveChartSource } from "./liveSource";
export type { LiveChartSourceOptions } from "./liveSource";
export { OfflineChartSource } from "./offlineSource";
export type { ChartLoad, ChartSource } from "./source";
export { ChartArchiveError, DEFAULT_ARCHIVE_LIMITS } from "./archive";
export type { ArchiveLimits } from "./archive";
export { diffDefaults } from "./upgrade";
export type { DefaultChange } from "./upgrade";
