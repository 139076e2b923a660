/**
 * How the InstallPlan controller writes what it decided (docs/kubesphere-behavior.md §2.3 last paragraph, §4 B):
 *
 * - {@link updateInstallPlanStatus} (`updateInstallPlan`, `IPC:529-557`): a fresh GET; when the
 *   labels, annotations or status differ from the controller's in-memory copy, all three are
 *   copied onto the fresh object and written with a full update (there is no status
 *   subresource), retrying on conflict. Copying labels and annotations is what can revert
 *   concurrent edits to them (§6.9).
 * - {@link extensionStatusFor} / {@link mirrorExtensionStatus}: after every such write, the
 *   Extension named `spec.extension.name` mirrors the plan (state, enabled, conditions,
 *   plannedInstallVersion = spec version, installedVersion = status.version, per-cluster
 *   statuses), and is cleared when the plan reaches `Uninstalled`.
 */
import type { InstallPlan, InstallPlanStatus } from "../components/kubesphere/types";
import { ApiError } from "./errors";
import type { SimKubeClient } from "./kubeClient";
import { clone, jsonEqual } from "./patch";
import { State } from "./stateMachine";
import type { KubeObject } from "./store";

/** How often a write is retried after 409 Conflict. */
const CONFLICT_RETRIES = 5;

/** Extension status fields the InstallPlan controller owns. */
export const MIRRORED_EXTENSION_FIELDS = ["state", "enabled", "conditions", "plannedInstallVersion", "installedVersion", "clusterSchedulingStatuses"] as const;

/**
 * The Extension status after mirroring `plan` into `current` (§4 B). Fields the Extension
 * controller owns (`versions`, `recommendedVersion`) are kept; empty values are omitted, as Go's
 * `omitempty` does.
 */
export function extensionStatusFor(plan: InstallPlan, current: Record<string, unknown> | undefined): Record<string, unknown> {
  const status = (plan.status ?? {}) as InstallPlanStatus;
  const next: Record<string, unknown> = { ...(current ?? {}) };
  for (const f of MIRRORED_EXTENSION_FIELDS) delete next[f];
  if (status.state === State.Uninstalled) return next;
  const values: Record<string, unknown> = {
    state: status.state, enabled: status.enabled, conditions: status.conditions,
    plannedInstallVersion: plan.spec.extension.version, installedVersion: status.version,
    clusterSchedulingStatuses: status.clusterSchedulingStatuses,
  };
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === "" || v === false || (Array.isArray(v) && v.length === 0)) continue;
    next[k] = clone(v);
  }
  return next;
}

/**
 * Writes the in-memory plan's labels, annotations and status onto the stored plan when any of
 * them differs (see the module comment). Does nothing when the plan is gone.
 */
export async function updateInstallPlanStatus(client: SimKubeClient, plan: InstallPlan): Promise<void> {
  const status = (plan.status ?? {}) as InstallPlanStatus;
  if (status.clusterSchedulingStatuses && Object.keys(status.clusterSchedulingStatuses).length === 0) delete status.clusterSchedulingStatuses;
  for (let attempt = 0; ; attempt++) {
    const fresh = await client.get("installplans", plan.metadata.name);
    if (!fresh) return;
    const same = jsonEqual(fresh.metadata.labels ?? {}, plan.metadata.labels ?? {})
      && jsonEqual(fresh.metadata.annotations ?? {}, plan.metadata.annotations ?? {})
      && jsonEqual(fresh.status ?? {}, status);
    if (same) return;
    const next = clone(fresh);
    if (plan.metadata.labels) next.metadata.labels = clone(plan.metadata.labels);
    else delete next.metadata.labels;
    if (plan.metadata.annotations) next.metadata.annotations = clone(plan.metadata.annotations);
    else delete next.metadata.annotations;
    next.status = clone(status);
    try {
      const updated = await client.update("installplans", next);
      plan.metadata.resourceVersion = updated.metadata.resourceVersion;
      return;
    } catch (e) {
      if (e instanceof ApiError && e.code === 409 && attempt < CONFLICT_RETRIES) continue;
      throw e;
    }
  }
}

/** Mirrors the plan into its Extension's status (§4 B); nothing when the Extension is missing. */
export async function mirrorExtensionStatus(client: SimKubeClient, plan: InstallPlan): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const ext = await client.get("extensions", plan.spec.extension.name);
    if (!ext) return;
    const before = (ext.status ?? {}) as Record<string, unknown>;
    const next = extensionStatusFor(plan, before);
    if (jsonEqual(next, before)) return;
    try {
      await client.update("extensions", { ...ext, status: next } as KubeObject);
      return;
    } catch (e) {
      if (e instanceof ApiError && e.code === 409 && attempt < CONFLICT_RETRIES) continue;
      throw e;
    }
  }
}
