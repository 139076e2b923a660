/**
 * What the `InstallPlanReadiness` dynamic provider does, as ordinary module code. The provider
 * object in `dynamicReadiness.ts` is serialized by Pulumi's closure serializer and runs in a
 * separate process; it stays tiny and `require()`s this module at run time, so nothing here is
 * ever serialized (no capture pitfalls, no `@pulumi/pulumi` import).
 */
import type { Extension, ExtensionVersion, InstallPlan } from "../kubesphere/types";
import { KubeClient } from "../kube/client";
import { KubeApiError } from "../kube/errors";
import { loadKubeConfig } from "../kube/kubeconfig";
import type { ExpectedInstallPlan } from "./assess";
import { systemClock } from "./clock";
import { clientReadinessApi, ReadinessApi } from "./kubeApi";
import { dependentsOf, removalRefusal } from "./removalGuard";
import { waitForInstallPlan, waitForInstallPlanDeletion } from "./waiter";
import { clientRolloutApi } from "../rollout/kubeApi";
import { runRollout, type RolloutInput } from "../rollout/run";

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
  /**
   * Remove the extension even when other installed extensions still require it (see
   * `removalGuard.ts`). Default false: the delete is refused, naming them.
   */
  removeWithDependents?: boolean;
  /**
   * Staged rollout of the member-cluster agents (docs/rollouts.md). When set, this resource owns
   * `spec.clusterScheduling`: create/update applies it wave by wave (`rollout/run.ts`) before the wait.
   */
  rollout?: RolloutInput;
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

/** Options of {@link awaitReady} and {@link awaitDeleted}. */
export interface RuntimeOptions {
  /**
   * Receives each transition line of the wait (e.g. `devops: Installing → Installed (host), member1:
   * Installing`) and API trouble warnings; the provider forwards them to the resource's engine log.
   */
  onProgress?: (message: string) => void;
}

/** Loads the kubeconfig for the provider (never quoting it: see kube/kubeconfig.ts) and builds the client. */
function clientFor(kubeconfig: string | undefined, context: string | undefined): KubeClient {
  return new KubeClient(loadKubeConfig({ kubeconfig, context }));
}

/**
 * Create/update: waits until the plan shows exactly `expected` installed, and returns the outputs.
 *
 * @param inputs the resource's inputs.
 * @param opts `onProgress` receives each transition line of this wait.
 */
export async function awaitReady(inputs: ReadinessProviderInputs, opts: RuntimeOptions = {}): Promise<ReadinessOutputs> {
  const client = clientFor(inputs.kubeconfig, inputs.context);
  const ready = inputs.rollout ? (await runRollout({
    api: clientRolloutApi(client), planName: inputs.planName, expected: inputs.expected, rollout: inputs.rollout,
    timeoutMs: inputs.timeoutSeconds * 1000, clock: systemClock, retry: inputs.retry, onProgress: opts.onProgress,
  })).ready : await waitForInstallPlan({
    api: clientReadinessApi(client),
    name: inputs.planName,
    expected: inputs.expected,
    timeoutMs: inputs.timeoutSeconds * 1000,
    clock: systemClock,
    retry: inputs.retry,
    onProgress: opts.onProgress ? (p) => opts.onProgress!(p.message) : undefined,
  });
  return {
    state: ready.state, installedVersion: ready.installedVersion, targetNamespace: ready.targetNamespace,
    jobName: ready.jobName, clusterStates: ready.clusterStates, clusterServer: client.server,
  };
}

/**
 * Refuses (throws) when installed extensions other than this one still require it, unless
 * `removeWithDependents`. Reads Extensions, ExtensionVersions and InstallPlans; a read failure
 * refuses too (nothing is deleted on a guess).
 */
async function guardRemoval(api: ReadinessApi, state: ReadinessProviderState, extension: string): Promise<void> {
  const force = state.removeWithDependents as unknown;
  if (force !== undefined && typeof force !== "boolean") {
    throw new Error(`removeWithDependents must be a boolean (true or false), got ${JSON.stringify(force)}; nothing was deleted`);
  }
  if (force === true) return;
  let facts;
  try {
    const [extensions, extensionVersions, installPlans] = await Promise.all([
      api.listKubeSphere<Extension>("extensions"), api.listKubeSphere<ExtensionVersion>("extensionversions"), api.listKubeSphere<InstallPlan>("installplans"),
    ]);
    facts = { extensions, extensionVersions, installPlans };
  } catch (e) {
    throw new Error(`cannot check whether other extensions still require ${extension} before removing it: ${(e as Error).message}. ` +
      `Nothing was deleted; retry when the cluster is reachable, or set \`removeWithDependents: true\` to skip the check.`);
  }
  const dependents = dependentsOf(extension, facts);
  if (dependents.length > 0) throw new Error(removalRefusal(extension, dependents));
}

/**
 * Delete. First, on every delete, the removal guard: when other installed extensions in the cluster
 * still require this one, it throws (naming them) before anything is deleted, unless
 * `removeWithDependents` — the readiness resource is deleted before its InstallPlan, so the throw
 * stops the plan's deletion too. Then, when `deleteTimeoutSeconds` is set, deletes the plan
 * (optionally force) and waits until it is gone, failing with the uninstall's cause. Returns
 * `undefined` when it did so, or why it did nothing — then the Kubernetes provider deletes the plan
 * (with its own credentials) and awaits its finalizer, so skipping is always safe:
 *
 * * `deleteTimeoutSeconds` unset (see dynamicReadiness.ts);
 * * no usable kubeconfig in this process (e.g. `pulumi destroy` from a machine without one);
 * * the kubeconfig now points at another API server than the wait used (`clusterServer`) — acting
 *   on a same-named plan on the wrong cluster must never happen;
 * * no permission (401/403) with the stored credentials.
 *
 * @param state the resource's outputs (the engine passes outputs, not inputs).
 * @param opts `onProgress` receives each transition line of the deletion.
 */
export async function awaitDeleted(state: ReadinessProviderState, opts: RuntimeOptions = {}): Promise<string | undefined> {
  let client: KubeClient;
  try {
    client = clientFor(state.kubeconfig, state.context);
  } catch (e) {
    return `no usable kubeconfig: ${(e as Error).message}`;
  }
  if (state.clusterServer && client.server !== state.clusterServer) {
    return `the kubeconfig points at ${client.server}, but the plan was awaited on ${state.clusterServer}`;
  }
  const api = clientReadinessApi(client);
  // The plan is named after its extension by convention; its spec says for sure.
  const plan = await api.getInstallPlan(state.planName).catch(() => undefined);
  await guardRemoval(api, state, plan?.spec?.extension?.name ?? state.planName);
  if (state.deleteTimeoutSeconds === undefined) return "deleteTimeoutSeconds is not set";
  try {
    await waitForInstallPlanDeletion({
      api,
      name: state.planName,
      timeoutMs: state.deleteTimeoutSeconds * 1000,
      issueDelete: true,
      forceDelete: state.forceDeleteOnDestroy ?? false,
      clock: systemClock,
        onProgress: opts.onProgress ? (p) => opts.onProgress!(p.message) : undefined,
    });
  } catch (e) {
    if (e instanceof KubeApiError && (e.kind === "unauthorized" || e.kind === "forbidden")) return `no permission: ${e.message}`;
    throw e;
  }
  return undefined;
}
