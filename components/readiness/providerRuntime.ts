/**
 * What the `InstallPlanReadiness` dynamic provider does, as ordinary module code. The provider
 * object in `dynamicReadiness.ts` is serialized by Pulumi's closure serializer and runs in a
 * separate process; it stays tiny and `require()`s this module at run time, so nothing here is
 * ever serialized (no capture pitfalls, no `@pulumi/pulumi` import).
 */
import * as k8s from "@kubernetes/client-node";
import type { ExpectedInstallPlan } from "./assess";
import { systemClock } from "./clock";
import { waitForInstallPlan, waitForInstallPlanDeletion } from "./waiter";

/** Inputs of the readiness resource as the provider receives them (plain values). */
export interface ReadinessProviderInputs {
  /** InstallPlan name. */
  planName: string;
  /** What the plan must show. */
  expected: ExpectedInstallPlan;
  /** Kubeconfig YAML; absent = default loading rules in the provider process (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
  /** Kubeconfig context; absent = the kubeconfig's current context. */
  context?: string;
  /** Seconds to wait for readiness. */
  timeoutSeconds: number;
  /** When set, `delete` deletes the plan itself and waits this long for it to be gone (see dynamicReadiness.ts). */
  deleteTimeoutSeconds?: number;
  /** Add `kubesphere.io/force-delete` before deleting (only with `deleteTimeoutSeconds`). */
  forceDeleteOnDestroy?: boolean;
  /** The component's current `retry`, for the retry advice in failure messages. */
  retry?: number;
}

/** Outputs of the readiness resource. Never contains the kubeconfig. */
export interface ReadinessOutputs {
  /** `status.state` (`Installed`). */
  state: string;
  /** `status.version`. */
  installedVersion: string;
  /** `status.targetNamespace`. */
  targetNamespace: string;
  /** `status.jobName`. */
  jobName: string;
  /** Per expected cluster: state and version. */
  clusterStates: Record<string, { state: string; version?: string }>;
}

/** Optional overrides for tests (the provider itself passes none). */
export interface RuntimeOverrides {
  /** Poll interval of the waiter. */
  pollIntervalMs?: number;
  /** Progress sink (the provider process has no engine log; defaults to none). */
  onProgress?: (message: string) => void;
}

/** Loads the kubeconfig: from text when given, else the default loading rules; then selects `context`. */
export function kubeConfigFrom(kubeconfig: string | undefined, context: string | undefined): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (kubeconfig !== undefined && kubeconfig.trim() !== "") kc.loadFromString(kubeconfig);
  else kc.loadFromDefault();
  if (context !== undefined && context !== "") {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new Error(`InstallPlanReadiness: kubeconfig has no context "${context}"; it has: ${kc.getContexts().map((c) => c.name).join(", ") || "(none)"}`);
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) {
    throw new Error("InstallPlanReadiness: no cluster in the kubeconfig (pass `kubeconfig`, or set KUBECONFIG for the Pulumi CLI process)");
  }
  return kc;
}

/** Create/update: waits until the plan shows exactly `expected` installed, and returns the outputs. */
export async function awaitReady(inputs: ReadinessProviderInputs, overrides: RuntimeOverrides = {}): Promise<ReadinessOutputs> {
  const ready = await waitForInstallPlan({
    kubeConfig: kubeConfigFrom(inputs.kubeconfig, inputs.context),
    name: inputs.planName,
    expected: inputs.expected,
    timeoutMs: inputs.timeoutSeconds * 1000,
    clock: systemClock,
    retry: inputs.retry,
    pollIntervalMs: overrides.pollIntervalMs,
    onProgress: overrides.onProgress ? (p) => overrides.onProgress!(p.message) : undefined,
  });
  return {
    state: ready.state, installedVersion: ready.installedVersion, targetNamespace: ready.targetNamespace,
    jobName: ready.jobName, clusterStates: ready.clusterStates,
  };
}

/**
 * Delete: when `deleteTimeoutSeconds` is set, deletes the plan (optionally force) and waits until it
 * is gone, failing with the uninstall's cause; otherwise does nothing (see dynamicReadiness.ts).
 */
export async function awaitDeleted(inputs: ReadinessProviderInputs, overrides: RuntimeOverrides = {}): Promise<void> {
  if (inputs.deleteTimeoutSeconds === undefined) return;
  await waitForInstallPlanDeletion({
    kubeConfig: kubeConfigFrom(inputs.kubeconfig, inputs.context),
    name: inputs.planName,
    timeoutMs: inputs.deleteTimeoutSeconds * 1000,
    issueDelete: true,
    forceDelete: inputs.forceDeleteOnDestroy ?? false,
    clock: systemClock,
    pollIntervalMs: overrides.pollIntervalMs,
    onProgress: overrides.onProgress ? (p) => overrides.onProgress!(p.message) : undefined,
  });
}
