/**
 * Where facts about a KubeSphere host come from. Two implementations give the same answers:
 * `StaticCatalog` (YAML documents + stated cluster facts, offline) and `LiveCatalog` (the cluster
 * the Pulumi kubernetes provider targets, read once per kind per program run).
 *
 * Every method is async so that the live implementation can share one LIST per kind between all
 * components of a program; the static implementation simply resolves at once.
 */
import type { Category, Cluster, Extension, ExtensionVersion, InstallPlan, Repository } from "../kubesphere/types";

/** Repository `spec.depth` when unset: the newest 3 versions per extension are synced (docs/kubesphere-catalog.md §7). */
export const DEFAULT_REPOSITORY_DEPTH = 3;

/** Facts about the host that are not KubeSphere objects. */
export interface HostVersions {
  /**
   * KubeSphere version of the host (what ks-apiserver `/version` reports, e.g. `v4.1.3`), or
   * `undefined` when it could not be determined (then ksVersion constraints cannot be checked and
   * resolution says so, asking the user to state it).
   */
  ksVersion?: string;
  /** Kubernetes `gitVersion` of the host (e.g. `v1.30.4`, `v1.30.0-tke.1`), or `undefined` if unknown. */
  kubeVersion?: string;
  /** Where each version came from, for messages (e.g. "ks-apiserver /version", "stated"). */
  ksVersionSource?: string;
  kubeVersionSource?: string;
}

/**
 * A catalog object set aside because it is malformed (no `spec`, wrong types, a duplicate name,
 * `spec.version` disagreeing with the name, an unparsable dependency range, ...). Catalogs leave such
 * objects out of their lists, so nothing downstream meets a shape it cannot handle, and report them
 * here, so resolution can say why a version is unusable instead of "does not exist".
 */
export interface InvalidCatalogObject {
  /** `ExtensionVersion`, `Extension`, `InstallPlan`, ... as declared (or `unknown`). */
  kind: string;
  /** `metadata.name`, when it is a string. */
  name?: string;
  /** The extension it belongs to, when that can be told (label `kubesphere.io/extension-ref` or name). */
  extension?: string;
  /** Where it came from (file, museum index, cluster). */
  source: string;
  /** Every problem, each naming the field, what is wrong and what would be valid. */
  problems: string[];
}

/** Read-only view of one KubeSphere host's extension catalog and installation state. */
export interface Catalog {
  /** Short human description of where the facts come from (for error messages). */
  readonly description: string;
  /** Every ExtensionVersion (cluster-scoped). */
  extensionVersions(): Promise<ExtensionVersion[]>;
  /** Every Extension (status carries installed version/state). */
  extensions(): Promise<Extension[]>;
  /** Every Category. */
  categories(): Promise<Category[]>;
  /** Every Repository (for `depth`). */
  repositories(): Promise<Repository[]>;
  /** Every Cluster object (the host is one of them). */
  clusters(): Promise<Cluster[]>;
  /** Every InstallPlan that exists now. */
  installPlans(): Promise<InstallPlan[]>;
  /** KubeSphere and Kubernetes versions of the host. */
  hostVersions(): Promise<HostVersions>;
  /**
   * Objects left out of the lists above because they are malformed (complete once every list has
   * been read). Optional: a catalog without it is taken to validate nothing away.
   */
  invalidObjects?(): Promise<InvalidCatalogObject[]>;
}

/** The ExtensionVersions of one extension (label `kubesphere.io/extension-ref`, else name prefix). */
export async function versionsOf(catalog: Catalog, extension: string): Promise<ExtensionVersion[]> {
  const all = await catalog.extensionVersions();
  return all.filter((ev) => {
    const ref = ev.metadata.labels?.["kubesphere.io/extension-ref"];
    if (ref !== undefined) return ref === extension;
    return ev.metadata.name.startsWith(`${extension}-`) && ev.spec.version !== undefined &&
      ev.metadata.name === `${extension}-${ev.spec.version}`;
  });
}
