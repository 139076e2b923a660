/**
 * The resources one resolved extension becomes: its `InstallPlan` and the readiness resource that
 * waits until the controller reports exactly that spec installed. Shared by `KubeSphereExtension`
 * and `KubeSphereExtensionSet`, so both forms emit the same objects.
 *
 * Secrets: resolution runs on plain values (it must, to validate at preview), so everything derived
 * from the Helm values is wrapped again here when any of them arrived secret — the plan's `spec`,
 * the `installPlanSpec` output, the config hashes and the readiness expectation. Nothing else
 * (names, versions, modes) is tainted.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { fnv1a64Hex } from "./config/configHash";
import type { InstallPlan } from "./kubesphere/types";
import type { ExpectedInstallPlan } from "./readiness/assess";
import { expectedInstallPlan } from "./readiness/expected";
import { InstallPlanReadiness } from "./readiness/dynamicReadiness";
import type { InstallPlanReadinessOutputs } from "./readiness/dynamicReadiness";
import type { ResolvedExtension } from "./resolve/resolve";
import { InstallPlanReadinessResource } from "./provider/readinessResource";
import type { RolloutInput } from "./rollout";

/** Where the readiness wait runs (see `readinessHost` in extension.ts). */
export type ReadinessHost = "dynamic" | "provider";

/** The readiness settings of one member, as resolved inputs. */
export interface ReadinessSettings {
  /** Kubeconfig text (secret) for the wait and the uninstall; undefined = default loading rules. */
  kubeconfig?: pulumi.Input<string>;
  /** Kubeconfig context. */
  context?: pulumi.Input<string>;
  /** Seconds to wait for the install. */
  timeoutSeconds: pulumi.Input<number>;
  /** Seconds to wait for the uninstall. */
  deleteTimeoutSeconds: pulumi.Input<number>;
  /** Add `kubesphere.io/force-delete` before deleting. */
  forceDeleteOnDestroy?: pulumi.Input<boolean>;
  /** Remove the extension even though other installed extensions require it. */
  removeWithDependents?: pulumi.Input<boolean>;
  /** The member's `retry`, for the advice in failure messages. */
  retry?: pulumi.Input<number>;
  /** A staged rollout the readiness resource runs (it then owns `spec.clusterScheduling`). */
  rollout?: pulumi.Input<RolloutInput | undefined>;
}

/** The child resources and derived outputs of one member. */
export interface MemberResources {
  installPlan: k8s.apiextensions.CustomResource;
  readiness: pulumi.CustomResource & InstallPlanReadinessOutputs;
  /** The InstallPlan object as emitted (secret when the values were). */
  installPlanSpec: pulumi.Output<{ [key: string]: any }>;
  /** Host configHash (secret when the values were). */
  configHash: pulumi.Output<string>;
}

/** `value`, made secret when `secret` resolves to true. */
export function secretIf<T>(value: pulumi.Output<T>, secret: pulumi.Output<boolean>): pulumi.Output<T> {
  return pulumi.all([value, secret]).apply(([v, s]) => (s ? pulumi.secret(v) : pulumi.output(v))) as unknown as pulumi.Output<T>;
}

/**
 * Creates the InstallPlan and its readiness resource under `parent`.
 *
 * @param parent the component that owns them.
 * @param name base of the child names (`<name>-installplan`, `<name>-readiness`).
 * @param resolved the member's resolution (plain values).
 * @param valuesSecret whether any Helm value input was secret.
 * @param dependsOn resources that must be ready before this plan is written.
 * @param settings readiness settings.
 * @param host where the readiness wait runs.
 * @param staged whether a staged rollout owns `spec.clusterScheduling` (then the InstallPlan
 *   resource never writes it: a Kubernetes-provider apply of a stale placement would undo waves).
 */
export function createMemberResources(
  parent: pulumi.ComponentResource,
  name: string,
  resolved: pulumi.Output<ResolvedExtension>,
  valuesSecret: pulumi.Output<boolean>,
  dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]>,
  settings: ReadinessSettings,
  host: ReadinessHost,
  staged = false,
): MemberResources {
  const plan: pulumi.Output<InstallPlan> = resolved.apply((r) => r.installPlan);
  const spec = secretIf(plan.apply((p) => {
    if (!staged) return p.spec as unknown as Record<string, unknown>;
    const { clusterScheduling: _owned, ...rest } = p.spec;
    return rest as unknown as Record<string, unknown>;
  }), valuesSecret);
  const installPlan = new k8s.apiextensions.CustomResource(`${name}-installplan`, {
    apiVersion: "kubesphere.io/v1alpha1",
    kind: "InstallPlan",
    metadata: plan.apply((p) => ({ name: p.metadata.name, annotations: p.metadata.annotations })),
    spec,
  }, {
    parent,
    dependsOn,
    // The plan's name is fixed (it must equal the extension name), so a replacement must delete first.
    deleteBeforeReplace: true,
  });

  const expected: pulumi.Output<ExpectedInstallPlan> = secretIf(resolved.apply((r) => expectedInstallPlan({
    plan: r.installPlan, targetClusters: r.targetClusters, previous: r.existingPlan,
  })), valuesSecret);
  const args = {
    planName: installPlan.metadata.name,
    expected,
    kubeconfig: settings.kubeconfig,
    context: settings.context,
    timeoutSeconds: settings.timeoutSeconds,
    deleteTimeoutSeconds: settings.deleteTimeoutSeconds,
    forceDeleteOnDestroy: settings.forceDeleteOnDestroy,
    removeWithDependents: settings.removeWithDependents,
    retry: settings.retry,
    rollout: settings.rollout,
    logUrn: parent.urn,
    specHash: secretIf(plan.apply((p) => fnv1a64Hex(JSON.stringify(p.spec))), valuesSecret),
  };
  const readinessOpts: pulumi.CustomResourceOptions = { parent, dependsOn: [installPlan] };
  const readiness = host === "provider"
    ? new InstallPlanReadinessResource(`${name}-readiness`, args, readinessOpts)
    : new InstallPlanReadiness(`${name}-readiness`, args, readinessOpts);

  return {
    installPlan,
    readiness,
    installPlanSpec: secretIf(plan.apply((p) => p as unknown as { [key: string]: any }), valuesSecret),
    configHash: secretIf(resolved.apply((r) => r.configHash), valuesSecret),
  };
}
