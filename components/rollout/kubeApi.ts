/**
 * The one write a rollout makes besides what readiness reads: a JSON merge patch of the InstallPlan's
 * `spec.clusterScheduling`, over the shared Kubernetes layer (request deadline, errors as
 * `KubeApiError`). Network glue only.
 */
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { InstallPlan } from "../kubesphere/types";
import { KubeClient } from "../kube/client";
import { clientReadinessApi, ReadinessApi } from "../readiness/kubeApi";

/** Field manager of the rollout's writes, so `managedFields` say who staged the placement. */
export const ROLLOUT_FIELD_MANAGER = "kubesphere-ext-rollout";

/** The calls a rollout makes: readiness's reads and waits, plus the placement patch. */
export interface RolloutApi extends ReadinessApi {
  /** JSON merge patch of InstallPlan `name`; `undefined` when the plan does not exist. */
  patchInstallPlan(name: string, patch: Record<string, unknown>): Promise<InstallPlan | undefined>;
}

/**
 * {@link RolloutApi} over a {@link KubeClient}.
 *
 * @example
 * const api = clientRolloutApi(KubeClient.load({ kubeconfig }));
 *
 * @param client the client of the host cluster.
 */
export function clientRolloutApi(client: KubeClient): RolloutApi {
  return {
    ...clientReadinessApi(client),
    patchInstallPlan: (name, patch) => client.callOrUndefined(`PATCH installplans/${name}`, (o) =>
      client.custom.patchClusterCustomObject({
        group: "kubesphere.io", version: "v1alpha1", plural: "installplans", name, body: patch, fieldManager: ROLLOUT_FIELD_MANAGER,
      }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch, o)) as Promise<InstallPlan>),
  };
}
