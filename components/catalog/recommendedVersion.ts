/**
 * `Extension.status.recommendedVersion` as KubeSphere computes it (`pkg/controller/core/util.go:51-98`,
 * docs/kubesphere-catalog.md §6): the highest `spec.version` among all of an extension's ExtensionVersions whose
 * `ksVersion` and `kubeVersion` constraints both match the host. An empty constraint matches; an
 * unparsable constraint does not; matching uses Masterminds semantics. Pure logic.
 */
import type { ExtensionVersion } from "../kubesphere/types";
import { checkConstraint, compareVersions, parseVersion } from "../semver/masterminds";

/** Why one ExtensionVersion does or does not fit a host. */
export interface HostFit {
  /** `true`/`false` when decided, `undefined` when a needed host version is unknown. */
  fits: boolean | undefined;
  /** Reasons it does not fit (or cannot be decided), one per constraint; empty when it fits. */
  reasons: string[];
}

/**
 * Whether an ExtensionVersion's `ksVersion`/`kubeVersion` constraints accept the host versions.
 * A constraint whose host version is unknown makes the answer `undefined` (unless another one fails).
 */
export function hostFit(ev: ExtensionVersion, ksVersion: string | undefined, kubeVersion: string | undefined): HostFit {
  const reasons: string[] = [];
  let unknown = false;
  let failed = false;
  const check = (field: "ksVersion" | "kubeVersion", host: string | undefined, what: string): void => {
    const constraint = ev.spec[field];
    if (!constraint || constraint.trim() === "") return;
    if (!host) {
      unknown = true;
      reasons.push(`${field} ${constraint}: the host's ${what} version is unknown`);
      return;
    }
    const r = checkConstraint(constraint, host);
    if (!r.ok) {
      failed = true;
      reasons.push(`${field} ${constraint} rejects ${host}${r.reason ? ` (${r.reason})` : ""}`);
    }
  };
  check("ksVersion", ksVersion, "KubeSphere");
  check("kubeVersion", kubeVersion, "Kubernetes");
  return { fits: failed ? false : unknown ? undefined : true, reasons };
}

function parses(v: string): boolean {
  try {
    parseVersion(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * The version KubeSphere would recommend on a host with these versions, or `undefined` when none
 * fits (KubeSphere then omits the field). Both host versions must be known: with one unknown the
 * answer cannot be computed and `undefined` is returned as well.
 */
export function recommendedVersion(
  versions: ExtensionVersion[],
  ksVersion: string | undefined,
  kubeVersion: string | undefined,
): string | undefined {
  let best: string | undefined;
  for (const ev of versions) {
    const v = ev.spec.version;
    if (!v || !parses(v)) continue;
    if (hostFit(ev, ksVersion, kubeVersion).fits !== true) continue;
    if (best === undefined || compareVersions(v, best) > 0) best = v;
  }
  return best;
}
