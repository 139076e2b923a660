/**
 * What the `InstallPlanReadiness` dynamic provider does, as ordinary module code. The provider
 * object in `dynamicReadiness.ts` is serialized by Pulumi's closure serializer and runs in a
 * separate process; it stays tiny and `require()`s this module at run time, so nothing here is
 * ever serialized (no capture pitfalls, no `@pulumi/pulumi` import).
 */
import * as k8s from "@kubernetes/client-node";
import type { ExpectedInstallPlan } from "./assess";
import { systemClock } from "./clock";
import { KubeApiError } from "./kubeApi";
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

/** What the wait observed; the provider returns these next to the echoed inputs (see dynamicReadiness.ts). */
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
  /**
   * API server URL the wait talked to. `delete` acts only when its kubeconfig still points there
   * (e.g. not after `kubectl config use-context` switched the default kubeconfig to another cluster).
   */
  clusterServer: string;
}

/** What `delete` receives: the resource's outputs (the engine passes outputs, not inputs). */
export type ReadinessProviderState = ReadinessProviderInputs & Partial<ReadinessOutputs>;

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
  const kc = kubeConfigFrom(inputs.kubeconfig, inputs.context);
  const ready = await waitForInstallPlan({
    kubeConfig: kc,
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
    jobName: ready.jobName, clusterStates: ready.clusterStates, clusterServer: kc.getCurrentCluster()?.server ?? "",
  };
}

/**
 * Delete: when `deleteTimeoutSeconds` is set, deletes the plan (optionally force) and waits until it
 * is gone, failing with the uninstall's cause. Returns `undefined` when it did so, or why it did
 * nothing — then the Kubernetes provider deletes the plan (with its own credentials) and awaits
 * its finalizer, so skipping is always safe:
 *
 * * `deleteTimeoutSeconds` unset (see dynamicReadiness.ts);
 * * no usable kubeconfig in this process (e.g. `pulumi destroy` from a machine without one);
 * * the kubeconfig now points at another API server than the wait used (`clusterServer`) — deleting
 *   a same-named plan on the wrong cluster must never happen;
 * * no permission (401/403) with the stored credentials.
 */
export async function awaitDeleted(state: ReadinessProviderState, overrides: RuntimeOverrides = {}): Promise<string | undefined> {
  if (state.deleteTimeoutSeconds === undefined) return "deleteTimeoutSeconds is not set";
  let kc: k8s.KubeConfig;
  try {
    kc = kubeConfigFrom(state.kubeconfig, state.context);
  } catch (e) {
    return `no usable kubeconfig: ${(e as Error).message}`;
  }
  const server = kc.getCurrentCluster()?.server;
  if (state.clusterServer && server !== state.clusterServer) {
    return `the kubeconfig points at ${server}, but the plan was awaited on ${state.clusterServer}`;
  }
  try {
    await waitForInstallPlanDeletion({
      kubeConfig: kc,
      name: state.planName,
      timeoutMs: state.deleteTimeoutSeconds * 1000,
      issueDelete: true,
      forceDelete: state.forceDeleteOnDestroy ?? false,
      clock: systemClock,
      pollIntervalMs: overrides.pollIntervalMs,
      onProgress: overrides.onProgress ? (p) => overrides.onProgress!(p.message) : undefined,
    });
  } catch (e) {
    if (e instanceof KubeApiError && (e.code === 401 || e.code === 403)) return `no permission: ${e.message}`;
    throw e;
  }
  return undefined;
}
