/**
 * The policies of the `kubesphere-extensions` pack, one per file. This module never constructs the
 * `PolicyPack` (that starts a gRPC server), so tests and other packs can import it; `../index.ts` does.
 */
import type { Policies } from "@pulumi/policy";
import { denyConfigKeys } from "./denyConfigKeys";
import { limitClusterChanges } from "./limitClusterChanges";
import { preventDowngrade } from "./preventDowngrade";
import { requireDependencies } from "./requireDependencies";
import { requireExactVersion } from "./requireExactVersion";
import { requireExplicitEnabled } from "./requireExplicitEnabled";
import { requireManualUpgradeStrategy } from "./requireManualUpgradeStrategy";
import { requireNameMatchesExtension } from "./requireNameMatchesExtension";
import { requireStrictChartConfig } from "./requireStrictChartConfig";
import { requireUniqueInstallPlans } from "./requireUniqueInstallPlans";
import { requireValidConfigYaml } from "./requireValidConfigYaml";
import { restrictClusterScheduling } from "./restrictClusterScheduling";
import { restrictExtensions } from "./restrictExtensions";

export {
  denyConfigKeys,
  limitClusterChanges,
  preventDowngrade,
  requireDependencies,
  requireExactVersion,
  requireExplicitEnabled,
  requireManualUpgradeStrategy,
  requireNameMatchesExtension,
  requireStrictChartConfig,
  requireUniqueInstallPlans,
  requireValidConfigYaml,
  restrictClusterScheduling,
  restrictExtensions,
};

/** Every policy of the pack: resource policies on InstallPlans first, then stack policies. */
export const policies: Policies = [
  requireManualUpgradeStrategy,
  requireExactVersion,
  requireNameMatchesExtension,
  requireExplicitEnabled,
  restrictExtensions,
  restrictClusterScheduling,
  requireValidConfigYaml,
  denyConfigKeys,
  requireStrictChartConfig,
  preventDowngrade,
  limitClusterChanges,
  requireDependencies,
  requireUniqueInstallPlans,
];
