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
import type { InstallPlanReadinessArgs } from "../readiness/dynamicReadiness";

/** Type token of the readiness custom resource served by the package's provider. */
export { READINESS_RESOURCE_TYPE } from "../tokens";
import { READINESS_RESOURCE_TYPE } from "../tokens";

/** Arguments of {@link InstallPlanReadinessResource}: the same as the dynamic resource's. */
export type InstallPlanReadinessResourceArgs = InstallPlanReadinessArgs;

/** The readiness wait, served by the package's provider. */
export class InstallPlanReadinessResource extends pulumi.CustomResource {
  /** `status.state` once ready (`Installed`). */
  declare public readonly state: pulumi.Output<string>;
  /** `status.version` once ready. */
  declare public readonly installedVersion: pulumi.Output<string>;
  /** `status.targetNamespace`. */
  declare public readonly targetNamespace: pulumi.Output<string>;
  /** `status.jobName` of the last executor Job. */
  declare public readonly jobName: pulumi.Output<string>;
  /** Per expected cluster: `{state, version}`. */
  declare public readonly clusterStates: pulumi.Output<Record<string, { state: string; version?: string }>>;
  /** URL of the API server the wait used. */
  declare public readonly clusterServer: pulumi.Output<string>;

  /**
   * @param name logical name (`<component>-readiness`).
   * @param args see {@link InstallPlanReadinessResourceArgs}.
   * @param opts resource options; pass `dependsOn: [installPlan]`.
   */
  constructor(name: string, args: InstallPlanReadinessResourceArgs, opts?: pulumi.CustomResourceOptions) {
    super(READINESS_RESOURCE_TYPE, name, {
      ...args,
      kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig),
      state: undefined, installedVersion: undefined, targetNamespace: undefined, jobName: undefined,
      clusterStates: undefined, clusterServer: undefined,
    }, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "kubeconfig"] });
  }
}
