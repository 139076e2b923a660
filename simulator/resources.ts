/**
 * The resource kinds the in-memory API server serves, with the facts discovery and the store
 * need: group/version, plural, kind, scope, kubectl categories and whether the kind has a status
 * subresource (it decides when `metadata.generation` moves; docs/kubesphere-behavior.md §1.1).
 */

/** Description of one served resource. */
export interface ResourceType {
  /** API group, `""` for core. */
  group: string;
  /** API version within the group. */
  version: string;
  /** Lower-case plural used in URLs (`installplans`). */
  plural: string;
  /** Lower-case singular (`installplan`). */
  singular: string;
  /** Kind (`InstallPlan`). */
  kind: string;
  /** True for namespaced kinds (pods, jobs, ...). */
  namespaced: boolean;
  /** kubectl categories (`extensions` for the five kubesphere.io kinds). */
  categories?: string[];
  /**
   * True when the kind has a status subresource. Without one (all KubeSphere CRDs), every change
   * outside `metadata` bumps `metadata.generation`; with one, only `spec` changes do.
   */
  statusSubresource: boolean;
  /** Short names for discovery (`po`, `ns`, ...). */
  shortNames?: string[];
}

/** `apiVersion` text of a resource type (`kubesphere.io/v1alpha1`, `v1`). */
export function apiVersionOf(type: ResourceType): string {
  return type.group === "" ? type.version : `${type.group}/${type.version}`;
}

const ks = (plural: string, singular: string, kind: string): ResourceType => ({
  group: "kubesphere.io", version: "v1alpha1", plural, singular, kind, namespaced: false,
  categories: ["extensions"], statusSubresource: false,
});

/** Every resource type the simulator serves. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  ks("extensions", "extension", "Extension"),
  ks("extensionversions", "extensionversion", "ExtensionVersion"),
  ks("installplans", "installplan", "InstallPlan"),
  ks("categories", "category", "Category"),
  ks("repositories", "repository", "Repository"),
  { group: "cluster.kubesphere.io", version: "v1alpha1", plural: "clusters", singular: "cluster", kind: "Cluster", namespaced: false, statusSubresource: false },
  { group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace", namespaced: false, statusSubresource: true, shortNames: ["ns"] },
  { group: "", version: "v1", plural: "pods", singular: "pod", kind: "Pod", namespaced: true, statusSubresource: true, shortNames: ["po"], categories: ["all"] },
  { group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap", namespaced: true, statusSubresource: false, shortNames: ["cm"] },
  { group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", namespaced: true, statusSubresource: false },
  { group: "", version: "v1", plural: "services", singular: "service", kind: "Service", namespaced: true, statusSubresource: true, shortNames: ["svc"], categories: ["all"] },
  { group: "", version: "v1", plural: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount", namespaced: true, statusSubresource: false, shortNames: ["sa"] },
  { group: "", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true, statusSubresource: false, shortNames: ["ev"] },
  { group: "batch", version: "v1", plural: "jobs", singular: "job", kind: "Job", namespaced: true, statusSubresource: true, categories: ["all"] },
];

/**
 * Finds a resource type by plural (`installplans`), `plural.group` (`installplans.kubesphere.io`)
 * or kind (`InstallPlan`). Throws when unknown, naming the served resources.
 */
export function resourceType(name: string | ResourceType): ResourceType {
  if (typeof name !== "string") return name;
  const found = RESOURCE_TYPES.find((t) =>
    t.plural === name || `${t.plural}.${t.group}` === name || t.kind === name);
  if (!found) {
    throw new Error(`simulator: unknown resource "${name}"; served: ${RESOURCE_TYPES.map((t) => t.plural).join(", ")}`);
  }
  return found;
}

/** Finds the resource type for a group/version and plural from a URL, or `undefined`. */
export function resourceTypeFor(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

/** Finds the resource type for an object's `apiVersion` and `kind`, or `undefined`. */
export function resourceTypeOfObject(obj: { apiVersion?: string; kind?: string }): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => apiVersionOf(t) === obj.apiVersion && t.kind === obj.kind);
}
