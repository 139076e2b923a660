/**
 * A model of the Helm release records the InstallPlan controller reads (docs/kubesphere-behavior.md §2.4, §2.10):
 * per cluster, namespace and release name, a list of revisions with status, chart version,
 * `last_deployed` (the helm pod's clock when the operation started) and description.
 *
 * - install mode is `helm upgrade --install`: revision 1 `pending-install` when no release
 *   exists, otherwise the next revision `pending-upgrade` (so a re-install after a failed first
 *   install ends as revision 2, "Upgrade complete");
 * - `--history-max 2`: only the two newest revisions are kept;
 * - success marks the revision `deployed` (older deployed ones `superseded`); failure marks it
 *   `failed` with Helm's description (`Release "x" failed: ...` / `Upgrade "x" failed: ...`);
 * - uninstall marks the latest revision `uninstalling`; success removes the whole history.
 *
 * The records are kept in memory by the simulator (they are not written as Secrets).
 */
import type { ReleaseInfo, ReleaseStatus } from "./stateMachine";

/** Identifies one release. `cluster` is the Cluster name (`host` for the host). */
export interface ReleaseKey {
  /** Cluster object name (`host`, `member1`). */
  cluster: string;
  /** Namespace of the release (the plan's target namespace). */
  namespace: string;
  /** Release name (`<ext>` on the host, `<ext>-agent` for agents). */
  name: string;
}

/** Called after every change to a release. */
export type ReleaseListener = (key: ReleaseKey) => void;

function keyText(k: ReleaseKey): string {
  return `${k.cluster}/${k.namespace}/${k.name}`;
}

/** Helm's `--history-max` as the executor passes it. */
export const HELM_HISTORY_MAX = 2;

/** The release records of every simulated cluster. */
export class HelmReleases {
  private readonly releases = new Map<string, ReleaseInfo[]>();
  private readonly listeners = new Set<ReleaseListener>();

  /** Subscribes to release changes; returns an unsubscribe function. */
  subscribe(listener: ReleaseListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(key: ReleaseKey): void {
    for (const l of [...this.listeners]) l(key);
  }

  /** The latest revision (what `helm get` returns), or `undefined` when the release does not exist. */
  get(key: ReleaseKey): ReleaseInfo | undefined {
    const revs = this.releases.get(keyText(key));
    const latest = revs?.[revs.length - 1];
    return latest && { ...latest, lastDeployed: new Date(latest.lastDeployed) };
  }

  /** All kept revisions, oldest first. */
  history(key: ReleaseKey): ReleaseInfo[] {
    return (this.releases.get(keyText(key)) ?? []).map((r) => ({ ...r, lastDeployed: new Date(r.lastDeployed) }));
  }

  /** Every release key that exists. */
  keys(): ReleaseKey[] {
    return [...this.releases.keys()].map((k) => {
      const [cluster, namespace, ...rest] = k.split("/");
      return { cluster, namespace, name: rest.join("/") };
    });
  }

  /**
   * Starts an install (`upgrade --install`) or upgrade: appends a pending revision stamped
   * `startedAt`. Throws Helm's error text when a plain upgrade finds no release.
   */
  begin(key: ReleaseKey, mode: "install" | "upgrade", chartVersion: string, startedAt: Date): ReleaseInfo {
    const revs = this.releases.get(keyText(key)) ?? [];
    if (mode === "upgrade" && revs.length === 0) throw new Error(`"${key.name}" has no deployed releases`);
    const last = revs[revs.length - 1];
    const revision = (last?.revision ?? 0) + 1;
    const status: ReleaseStatus = revision === 1 ? "pending-install" : "pending-upgrade";
    const info: ReleaseInfo = {
      name: key.name, revision, status, chartVersion, lastDeployed: new Date(startedAt),
      description: revision === 1 ? "Initial install underway" : "Preparing upgrade",
    };
    const next = [...revs, info].slice(-HELM_HISTORY_MAX);
    this.releases.set(keyText(key), next);
    this.changed(key);
    return { ...info };
  }

  /** Finishes the pending revision: `deployed` on success, `failed` with Helm's description otherwise. */
  finish(key: ReleaseKey, ok: boolean, error = ""): void {
    const revs = this.releases.get(keyText(key));
    const latest = revs?.[revs.length - 1];
    if (!revs || !latest) throw new Error(`release ${keyText(key)} has no pending revision`);
    if (ok) {
      for (const r of revs) if (r.status === "deployed") r.status = "superseded";
      latest.status = "deployed";
      latest.description = latest.revision === 1 ? "Install complete" : "Upgrade complete";
    } else {
      latest.status = "failed";
      latest.description = latest.revision === 1 ? `Release "${key.name}" failed: ${error}` : `Upgrade "${key.name}" failed: ${error}`;
    }
    this.changed(key);
  }

  /** Marks the latest revision `uninstalling` (the start of `helm uninstall`). Returns false when there is no release. */
  beginUninstall(key: ReleaseKey): boolean {
    const revs = this.releases.get(keyText(key));
    const latest = revs?.[revs.length - 1];
    if (!latest) return false;
    latest.status = "uninstalling";
    latest.description = "Deletion in progress (or silently failed)";
    this.changed(key);
    return true;
  }

  /** Removes the release and its history (`helm uninstall` success, or a forced in-process uninstall). */
  remove(key: ReleaseKey): boolean {
    const existed = this.releases.delete(keyText(key));
    if (existed) this.changed(key);
    return existed;
  }
}
