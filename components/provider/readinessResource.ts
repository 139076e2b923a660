/**
 * `kubesphere:index:InstallPlanReadiness`: the readiness wait as a custom resource of this
 * package's own Pulumi provider (components/provider/provider.ts). Components constructed by the
 * provider — every program that uses the package through `pulumi package add` (YAML, Python, Go,
 * ...) — use it instead of the dynamic resource, so readiness never depends on the program's
 * language or on a `node_modules` in the program's directory, and the state holds plain inputs and
 * outputs (no serialized code, no paths of this machine).
 *
 * The provider serves its check/diff/create/update/delete with the same functions as the dynamic
 * resource (`readiness/dynamicReadiness.ts` and `readiness/providerRuntime.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { readinessResourceOptions, readinessResourceProps } from "../readiness/dynamicReadiness";
import type { InstallPlanReadinessArgs, InstallPlanReadinessOutputs } from "../readiness/dynamicReadiness";

/** Type token of the readiness custom resource served by the package's provider. */
export { READINESS_RESOURCE_TYPE } from "../tokens";
import { READINESS_RESOURCE_TYPE } from "../tokens";

/** Arguments of {@link InstallPlanReadinessResource}: the same as the dynamic resource's. */
export type InstallPlanReadinessResourceArgs = InstallPlanReadinessArgs;

/** The readiness wait, served by the package's provider. */
export class InstallPlanReadinessResource extends pulumi.CustomResource {
  /**
   * @param name logical name (`<component>-readiness`).
   * @param args see {@link InstallPlanReadinessResourceArgs}.
   * @param opts resource options; pass `dependsOn: [installPlan]`.
   */
  constructor(name: string, args: InstallPlanReadinessResourceArgs, opts?: pulumi.CustomResourceOptions) {
    super(READINESS_RESOURCE_TYPE, name, readinessResourceProps(args), readinessResourceOptions(opts));
  }
}
// The same outputs as the dynamic resource (declaration merging; no class fields).
export interface InstallPlanReadinessResource extends InstallPlanReadinessOutputs {}
