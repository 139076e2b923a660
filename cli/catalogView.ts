/**
 * Read-only views over a `Catalog` shared by `catalog`, `versions` and `show`: categories with
 * their extensions, the versions of one extension with host fit and recommendation, and a clear
 * "no such extension" error worded exactly as `resolveExtension` words it.
 */
import type { Catalog, HostVersions } from "../components/catalog/catalog";
import { versionsOf } from "../components/catalog/catalog";
import { ANNOTATION_SPEC_SOURCE } from "../components/catalog/museumIndex";
import { hostFit, recommendedVersion } from "../components/catalog/recommendedVersion";
import type { Extension, ExtensionVersion, ExternalDependency } from "../components/kubesphere/types";
import { LABEL_CATEGORY } from "../components/kubesphere/types";
import { ExtensionResolutionError } from "../components/resolve/errors";
import { resolveExtension } from "../components/resolve/resolve";
import { sortVersions } from "../components/semver/masterminds";

/** Name used for extensions that carry no category label. */
export const UNCATEGORIZED = "uncategorized";

/** One extension as listed by `catalog`. */
export interface ExtensionSummary {
  /** Extension name. */
  name: string;
  /** English display name (falls back to any locale, then the name). */
  displayName: string;
  /** `status.state` (`""`: not installed). */
  state: string;
  /** `status.installedVersion`, if any. */
  installedVersion?: string;
  /** The version KubeSphere recommends on this host (computed when the host versions are known). */
  recommendedVersion?: string;
  /** Every version in the catalog, ascending. */
  versions: string[];
}

/** A category with its extensions. */
export interface CategoryGroup {
  /** Category name (the `kubesphere.io/category` label value), or `uncategorized`. */
  name: string;
  /** English display name of the Category object; `undefined` when no Category object exists. */
  displayName?: string;
  /** Whether a Category object of that name exists (KubeSphere does not check labels against them). */
  exists: boolean;
  /** Extensions labelled with it, by name. */
  extensions: ExtensionSummary[];
}

/** English text of a locale map (then `zh`, then any). */
export function english(locale: Record<string, string> | undefined): string | undefined {
  if (!locale) return undefined;
  return locale.en ?? locale.zh ?? Object.values(locale)[0];
}

/** Versions sorted ascending (unparsable ones last, by text): the Masterminds ordering resolution uses. */
export { sortVersions };

function versionOf(ev: ExtensionVersion): string {
  return ev.spec.version ?? ev.metadata.name;
}

/**
 * The recommendation: computed with KubeSphere's rule when both host versions are known (so a
 * stated `--ks-version` is honoured), else `Extension.status.recommendedVersion` as recorded.
 */
export function recommendationFor(evs: ExtensionVersion[], ext: Extension | undefined, host: HostVersions): string | undefined {
  if (host.ksVersion && host.kubeVersion) return recommendedVersion(evs, host.ksVersion, host.kubeVersion);
  return ext?.status?.recommendedVersion || undefined;
}

/** Host versions, with `--ks-version`/`--kube-version` applied over what the catalog reports. */
export async function effectiveHost(catalog: Catalog, overrides: { ksVersion?: string; kubeVersion?: string }): Promise<HostVersions> {
  const host = await catalog.hostVersions();
  return {
    ksVersion: overrides.ksVersion ?? host.ksVersion,
    kubeVersion: overrides.kubeVersion ?? host.kubeVersion,
    ksVersionSource: overrides.ksVersion ? "stated" : host.ksVersionSource,
    kubeVersionSource: overrides.kubeVersion ? "stated" : host.kubeVersionSource,
  };
}

/**
 * Extensions grouped as the runbook lists them: one group per Category object (in name order),
 * then groups for category labels without a Category object, then `uncategorized`.
 */
export async function categoryGroups(catalog: Catalog, host: HostVersions): Promise<CategoryGroup[]> {
  const [categories, extensions, evs] = await Promise.all([catalog.categories(), catalog.extensions(), catalog.extensionVersions()]);
  const summary = (ext: Extension): ExtensionSummary => {
    const mine = evs.filter((ev) => (ev.metadata.labels?.["kubesphere.io/extension-ref"] ?? "") === ext.metadata.name);
    return {
      name: ext.metadata.name,
      displayName: english(ext.spec?.displayName) ?? ext.metadata.name,
      state: ext.status?.state ?? "",
      installedVersion: ext.status?.installedVersion || undefined,
      recommendedVersion: recommendationFor(mine, ext, host),
      versions: sortVersions(mine.length > 0 ? mine.map(versionOf) : (ext.status?.versions ?? []).map((v) => v.version)),
    };
  };
  const byCategory = new Map<string, Extension[]>();
  for (const ext of [...extensions].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const c = ext.metadata.labels?.[LABEL_CATEGORY] || UNCATEGORIZED;
    byCategory.set(c, [...(byCategory.get(c) ?? []), ext]);
  }
  const groups: CategoryGroup[] = [];
  for (const cat of [...categories].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    groups.push({
      name: cat.metadata.name, displayName: english(cat.spec?.displayName), exists: true,
      extensions: (byCategory.get(cat.metadata.name) ?? []).map(summary),
    });
    byCategory.delete(cat.metadata.name);
  }
  const rest = [...byCategory.keys()].filter((c) => c !== UNCATEGORIZED).sort();
  if (byCategory.has(UNCATEGORIZED)) rest.push(UNCATEGORIZED);
  for (const c of rest) groups.push({ name: c, exists: false, extensions: byCategory.get(c)!.map(summary) });
  return groups;
}

/** One version of an extension as `versions` shows it. */
export interface VersionRow {
  /** The version. */
  version: string;
  /** `spec.ksVersion` (Masterminds constraint). */
  ksVersion?: string;
  /** `spec.kubeVersion`. */
  kubeVersion?: string;
  /** Whether both constraints accept the host (`null`: a host version is unknown). */
  fits: boolean | null;
  /** Why it does not fit (or cannot be decided). */
  fitReasons: string[];
  /** Whether this is the recommended version. */
  recommended: boolean;
  /** Whether this version is installed. */
  installed: boolean;
  /** `spec.installationMode` (CRD default HostOnly; `unknown` for index-only specs). */
  installationMode: string;
  /** `spec.externalDependencies`. */
  dependencies: ExternalDependency[];
}

/** The ExtensionVersions of one extension, or the same "does not exist" problem `plan` would report. */
export async function requireVersions(catalog: Catalog, name: string): Promise<ExtensionVersion[]> {
  const evs = await versionsOf(catalog, name);
  if (evs.length > 0) return evs;
  try {
    await resolveExtension(catalog, { name, version: "0.0.0" });
  } catch (e) {
    if (e instanceof ExtensionResolutionError) {
      const relevant = e.problems.filter((p) => /does not exist in|not a valid extension name|name is empty/.test(p));
      throw new ExtensionResolutionError(name, relevant.length > 0 ? relevant : e.problems);
    }
    throw e;
  }
  throw new ExtensionResolutionError(name, [`extension ${JSON.stringify(name)} has no versions in ${catalog.description}`]);
}

/** Rows of `versions`, ascending. */
export function versionRows(evs: ExtensionVersion[], ext: Extension | undefined, host: HostVersions): VersionRow[] {
  const recommended = recommendationFor(evs, ext, host);
  const installed = ext?.status?.installedVersion;
  const sorted = sortVersions(evs.map(versionOf)).map((v) => evs.find((ev) => versionOf(ev) === v)!);
  return sorted.map((ev) => {
    const fit = hostFit(ev, host.ksVersion, host.kubeVersion);
    const partial = fromIndexOnly(ev);
    return {
      version: versionOf(ev),
      ksVersion: ev.spec.ksVersion || undefined,
      kubeVersion: ev.spec.kubeVersion || undefined,
      fits: fit.fits === false ? false : partial ? null : fit.fits ?? null,
      fitReasons: partial ? [...fit.reasons, INDEX_ONLY_NOTE] : fit.reasons,
      recommended: versionOf(ev) === recommended,
      installed: installed !== undefined && installed === versionOf(ev),
      installationMode: ev.spec.installationMode ?? (partial ? "unknown" : "HostOnly"),
      dependencies: ev.spec.externalDependencies ?? [],
    };
  });
}

/** True for an ExtensionVersion built from a museum index without its chart archive (spec partly unknown). */
export function fromIndexOnly(ev: ExtensionVersion): boolean {
  return ev.metadata.annotations?.[ANNOTATION_SPEC_SOURCE] === "index";
}

/** The explanation shown for {@link fromIndexOnly} versions. */
export const INDEX_ONLY_NOTE = "spec from the museum index alone: ksVersion, namespace, installationMode and dependencies are unknown " +
  "(they live in extension.yaml inside the chart archive)";

/** `gateway >= 1.0.2 (optional)` style text of a dependency. */
export function describeDependency(d: ExternalDependency): string {
  return `${d.name} ${d.version}${d.required ? "" : " (optional)"}`;
}

/** Host versions for a heading, e.g. `KubeSphere v4.1.3 (stated), Kubernetes v1.30.4 (the API server's /version)`. */
export function describeHost(host: HostVersions): string {
  const part = (what: string, v: string | undefined, src: string | undefined, flag: string) =>
    v ? `${what} ${v}${src ? ` (${src})` : ""}` : `${what} unknown (state it with ${flag})`;
  return `${part("KubeSphere", host.ksVersion, host.ksVersionSource, "--ks-version")}, ${part("Kubernetes", host.kubeVersion, host.kubeVersionSource, "--kube-version")}`;
}
