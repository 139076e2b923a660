/**
 * Reads an extensions-museum chart repository (a Helm `index.yaml`, and the chart archives beside it
 * when they are there) into the Extension, ExtensionVersion and Repository objects that KubeSphere's
 * Repository controller would create from it (docs/kubesphere-catalog.md §3-§7), so that offline and air-gapped
 * previews can use a museum index as their catalog.
 *
 * What KubeSphere takes from the index is only the entry key (extension name), each entry's `name`
 * (must equal the key), `version` (object name), `urls[0]` (chartURL), `created`, `digest` and
 * `annotations`. Everything else comes from `extension.yaml` **inside the archive**. When the archive
 * `charts/<name>-<version>.tgz` is found next to the index, `extension.yaml` (and the icon file it
 * names) are read from it exactly as KubeSphere decodes them. When it is not, the spec falls back to
 * the `Chart.yaml` copies that ksbuilder writes into the index (`kubeVersion`, English `description`,
 * `keywords`, `home`, `icon`), and the fields only `extension.yaml` carries (`ksVersion`, `namespace`,
 * `installationMode`, `externalDependencies`, `displayName`, `category`, ...) are unknown; each such
 * version is listed in {@link MuseumCatalogResult.warnings}.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { decodeUtf8Strictly, parseYamlSafely } from "../config/safeYaml";
import type { Extension, ExtensionVersion, ExtensionVersionSpec, Repository } from "../kubesphere/types";
import { dns1123SubdomainProblem } from "../kubesphere/labelSelector";
import { KS_API_VERSION, LABEL_CATEGORY, LABEL_EXTENSION_REF, LABEL_REPOSITORY_REF } from "../kubesphere/types";
import { compareVersions, parseVersion } from "../semver/masterminds";
import { DEFAULT_REPOSITORY_DEPTH } from "./catalog";
import { recommendedVersion } from "./recommendedVersion";
import { ClusterFacts, readYamlDocuments, StaticCatalog } from "./staticCatalog";
import { describeInvalid, validateCatalogObjects } from "./validate";

/** Name of the Repository that ks-core creates for the museum. */
export const DEFAULT_MUSEUM_REPOSITORY = "extensions-museum";
/** URL of that Repository (`https://extensions-museum.<ks-core namespace>.svc`). */
export const DEFAULT_MUSEUM_URL = "https://extensions-museum.kubesphere-system.svc";
/** Repository `spec.depth` default: the newest 3 versions per extension are synced (docs/kubesphere-catalog.md §7). */
export const DEFAULT_DEPTH = DEFAULT_REPOSITORY_DEPTH;
/** Annotation this package puts on ExtensionVersions built from the index alone (no archive). */
export const ANNOTATION_SPEC_SOURCE = "kubesphere-ext.io/spec-source";

/** How to read a museum index. */
export interface MuseumIndexOptions {
  /** Repository name for labels and `spec.repository`. Defaults to `extensions-museum`. */
  repositoryName?: string;
  /** Repository URL; relative chart URLs are resolved against its scheme and host. Defaults to the in-cluster museum. */
  repositoryUrl?: string;
  /**
   * Repository `spec.depth`: keep the newest `depth` valid versions per extension; `0` or negative
   * keeps all. Defaults to 3, as KubeSphere does when the field is unset.
   */
  depth?: number;
  /**
   * Directory in which relative `urls[0]` of the entries are looked up to find chart archives (the
   * directory of the index file when reading from a path). Unset: no archives are read.
   */
  chartsDir?: string;
  /** A description of where the index came from, for messages. */
  source?: string;
}

/** Objects built from a museum index, plus what could not be known. */
export interface MuseumCatalogResult {
  /** Repository, Extensions and ExtensionVersions, in that order. */
  objects: Array<Repository | Extension | ExtensionVersion>;
  /**
   * Things a reader should know: entries skipped as KubeSphere would skip them, and versions whose
   * spec comes from the index alone (their ksVersion, namespace, installationMode and dependencies
   * are unknown).
   */
  warnings: string[];
}

interface IndexEntry {
  name?: unknown;
  version?: unknown;
  urls?: unknown;
  created?: unknown;
  digest?: unknown;
  annotations?: unknown;
  kubeVersion?: unknown;
  description?: unknown;
  keywords?: unknown;
  home?: unknown;
  icon?: unknown;
}


/** JSON field names of `ExtensionVersionSpec` that `extension.yaml` can set (docs/kubesphere-catalog.md §5). */
const SPEC_FIELDS = [
  "displayName", "description", "icon", "provider", "created", "version", "keywords", "sources", "repository",
  "category", "home", "docs", "digest", "screenshots", "kubeVersion", "ksVersion", "chartDataRef", "chartURL",
  "namespace", "installationMode", "externalDependencies",
] as const;
const SPEC_FIELD_BY_LOWER = new Map<string, string>(SPEC_FIELDS.map((f) => [f.toLowerCase(), f]));
/** Fields of Go type `string` and `[]string`: any other JSON type fails the whole decode. */
const STRING_FIELDS = new Set(["icon", "created", "version", "repository", "category", "home", "docs", "digest", "kubeVersion",
  "ksVersion", "chartURL", "namespace", "installationMode"]);
const STRING_LIST_FIELDS = new Set(["keywords", "sources", "screenshots"]);

function jsonType(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "object" ? "object" : typeof v;
}

/** True for text that is a Helm repository index rather than Kubernetes objects. */
export function isMuseumIndex(value: unknown): boolean {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return v.kind === undefined && v.entries !== undefined && typeof v.entries === "object" && !Array.isArray(v.entries);
}

function isDnsName(s: string): boolean {
  return s.length <= 63 && dns1123SubdomainProblem(s) === undefined;
}

function validChartVersion(v: string): boolean {
  if (!isDnsName(v)) return false;
  try {
    parseVersion(v);
    return true;
  } catch {
    return false;
  }
}

/**
 * `urls[0]` resolved as the Repository controller does (`RC:289-305`): a URL without a host gets
 * the repository URL's scheme and host in front, and the repository URL's path is dropped.
 */
export function resolveChartUrl(url: string, repositoryUrl: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  const base = new URL(repositoryUrl);
  return `${base.protocol}//${base.host}/${url.replace(/^\/+/, "")}`;
}

/** Drops what Go's `omitempty` drops: empty strings, empty lists, empty maps, null. */
function omitEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value === "";
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value as object).length === 0;
  return false;
}

/**
 * Decodes `extension.yaml` as KubeSphere does (`yaml.NewYAMLOrJSONDecoder` into
 * `ExtensionVersionSpec`): only the spec's JSON field names count (matched case-insensitively, as
 * Go's JSON decoder does), everything else (`name`, `apiVersion`, `maintainers`, `dependencies`,
 * `images`, `annotations`, ...) is dropped, and empty values vanish.
 *
 * @throws Error when the text is not a YAML mapping, or a string field holds another type (as Go's
 *   decoder fails, which makes KubeSphere drop the version)
 */
export function decodeExtensionYaml(text: string, source = "extension.yaml"): ExtensionVersionSpec {
  const docs = parseYamlSafely(text, source);
  if (docs.length > 1) throw new Error(`${source}: holds ${docs.length} YAML documents; extension.yaml is one mapping`);
  const value = docs[0];
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(`${source}: not a YAML mapping`);
  const spec: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = SPEC_FIELD_BY_LOWER.get(key.toLowerCase());
    if (field === undefined || v === null) continue;
    // Go's JSON decoder refuses a number where a string is declared (e.g. `version: 1.0`), failing the decode.
    if (STRING_FIELDS.has(field) && typeof v !== "string") {
      throw new Error(`${source}: cannot decode ${key}: expected a string, got ${jsonType(v)} (KubeSphere drops the version)`);
    }
    if (STRING_LIST_FIELDS.has(field) && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) {
      throw new Error(`${source}: cannot decode ${key}: expected a list of strings (KubeSphere drops the version)`);
    }
    if (omitEmpty(v)) continue;
    spec[field] = v;
  }
  return spec as ExtensionVersionSpec;
}

/** The files of a `.tgz` archive (regular files only), by path. */
export function readTarGz(data: Buffer): Map<string, Buffer> {
  const tar = zlib.gunzipSync(data);
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  const str = (b: Buffer): string => {
    const nul = b.indexOf(0);
    return b.subarray(0, nul === -1 ? b.length : nul).toString("utf8");
  };
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const sizeText = str(header.subarray(124, 136)).trim();
    const size = sizeText === "" ? 0 : parseInt(sizeText, 8);
    if (Number.isNaN(size)) throw new Error("not a tar archive (bad size field)");
    const type = String.fromCharCode(header[156] || 48);
    const prefix = header.subarray(257, 263).toString("latin1").startsWith("ustar") ? str(header.subarray(345, 500)) : "";
    let name = str(header.subarray(0, 100));
    if (prefix) name = `${prefix}/${name}`;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") { longName = str(body); continue; }
    if (type === "x") {
      const m = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
      paxPath = m ? m[1] : undefined;
      continue;
    }
    if (type === "g") continue;
    const fullName = paxPath ?? longName ?? name;
    longName = undefined;
    paxPath = undefined;
    if (type === "0" || type === "\0" || type === "7") files.set(fullName.replace(/^\.\//, ""), Buffer.from(body));
  }
  return files;
}

/** MIME type of an icon: by extension (`.svg`, `.png`, ...), else by sniffing its first bytes. */
function iconMime(file: string, data: Buffer): string {
  const ext = path.extname(file).toLowerCase();
  const byExt: Record<string, string> = {
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".ico": "image/x-icon",
  };
  if (byExt[ext]) return byExt[ext];
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "image/jpeg";
  if (data.subarray(0, 4).toString("latin1") === "GIF8") return "image/gif";
  const head = data.subarray(0, 512).toString("utf8").trimStart().toLowerCase();
  if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg"))) return "image/svg+xml";
  return "text/plain; charset=utf-8";
}

/**
 * The spec KubeSphere builds from a chart archive: `extension.yaml` of the chart folder, with a
 * relative `icon` that exists in the archive inlined as a `data:` URL.
 *
 * @returns the decoded spec, or a reason why KubeSphere would drop the version
 */
export function specFromChartArchive(data: Buffer, chart: string): { spec?: ExtensionVersionSpec; dropped?: string } {
  let files: Map<string, Buffer>;
  try {
    files = readTarGz(data);
  } catch (e) {
    return { dropped: `the archive cannot be read (${(e as Error).message})` };
  }
  const root = [...files.keys()].find((f) => /^[^/]+\/Chart\.yaml$/.test(f))?.split("/")[0] ?? chart;
  const ext = files.get(`${root}/extension.yaml`);
  if (!ext) return { dropped: `${root}/extension.yaml is missing from the archive, so spec.version stays empty` };
  let spec: ExtensionVersionSpec;
  try {
    spec = decodeExtensionYaml(decodeUtf8Strictly(ext, `${root}/extension.yaml`), `${root}/extension.yaml`);
  } catch (e) {
    return { dropped: (e as Error).message };
  }
  if (typeof spec.icon === "string" && !/^[a-z]+:/i.test(spec.icon)) {
    const rel = spec.icon.replace(/^\.\//, "");
    const icon = files.get(`${root}/${rel}`);
    if (icon) spec.icon = `data:${iconMime(rel, icon)};base64,${icon.toString("base64")}`;
  }
  return { spec };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : [];
}

/** The spec fallback from index fields alone: the Chart.yaml copies ksbuilder writes (docs/kubesphere-catalog.md §2). */
function specFromIndexEntry(entry: IndexEntry, version: string): ExtensionVersionSpec {
  const spec: ExtensionVersionSpec = { version };
  if (typeof entry.description === "string" && entry.description !== "") spec.description = { en: entry.description };
  if (typeof entry.icon === "string" && entry.icon !== "") spec.icon = entry.icon;
  if (strings(entry.keywords).length > 0) spec.keywords = strings(entry.keywords);
  if (typeof entry.home === "string" && entry.home !== "") spec.home = entry.home;
  if (typeof entry.kubeVersion === "string" && entry.kubeVersion !== "") spec.kubeVersion = entry.kubeVersion;
  return spec;
}

function sortSpec(spec: ExtensionVersionSpec): ExtensionVersionSpec {
  return Object.fromEntries(Object.entries(spec).sort(([a], [b]) => a.localeCompare(b))) as ExtensionVersionSpec;
}

function findArchive(chartsDir: string, url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const candidate = path.join(chartsDir, path.basename(new URL(url).pathname));
    return fs.existsSync(candidate) ? candidate : undefined;
  }
  for (const candidate of [path.join(chartsDir, url), path.join(chartsDir, path.basename(url))]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Builds the objects the Repository controller would create from a parsed index (docs/kubesphere-catalog.md §4-§6):
 * per extension the newest `depth` valid versions, an Extension from the newest of them, and a
 * Repository. `status.versions` and (when both host versions are given) `status.recommendedVersion`
 * are filled as the Extension controller would.
 */
export function museumIndexObjects(
  index: unknown,
  options: MuseumIndexOptions = {},
  host: { ksVersion?: string; kubeVersion?: string } = {},
): MuseumCatalogResult {
  const source = options.source ?? "the museum index";
  if (!isMuseumIndex(index)) {
    throw new Error(`${source} is not a Helm repository index: it needs a top-level \`entries:\` mapping of chart name to versions`);
  }
  const repoName = options.repositoryName ?? DEFAULT_MUSEUM_REPOSITORY;
  const repoUrl = options.repositoryUrl ?? DEFAULT_MUSEUM_URL;
  const depth = options.depth ?? DEFAULT_DEPTH;
  const warnings: string[] = [];
  const indexOnly: string[] = [];
  const repository: Repository = {
    apiVersion: KS_API_VERSION, kind: "Repository", metadata: { name: repoName },
    spec: { url: repoUrl, ...(options.depth !== undefined ? { depth: options.depth } : {}) },
  };
  const extensions: Extension[] = [];
  const versions: ExtensionVersion[] = [];
  const entries = (index as { entries: Record<string, unknown> }).entries;

  for (const key of Object.keys(entries).sort()) {
    if (!isDnsName(key)) {
      warnings.push(`${source}: chart ${JSON.stringify(key)} skipped: not a DNS-1123 name of at most 63 characters (KubeSphere skips it too)`);
      continue;
    }
    const list = Array.isArray(entries[key]) ? (entries[key] as IndexEntry[]) : [];
    const decoded: ExtensionVersion[] = [];
    for (const entry of list) {
      const version = typeof entry?.version === "string" ? entry.version : String(entry?.version ?? "");
      if (entry?.name !== key) {
        warnings.push(`${source}: ${key} ${version} skipped: its name ${JSON.stringify(entry?.name)} differs from the entry key (KubeSphere skips it)`);
        continue;
      }
      if (!validChartVersion(version)) {
        warnings.push(`${source}: ${key} ${JSON.stringify(version)} skipped: not a valid semantic version that is a DNS-1123 name (KubeSphere drops it)`);
        continue;
      }
      const url = strings(entry.urls)[0];
      let spec: ExtensionVersionSpec | undefined;
      let fromIndex = false;
      const archive = url && options.chartsDir ? findArchive(options.chartsDir, url) : undefined;
      if (archive) {
        const r = specFromChartArchive(fs.readFileSync(archive), key);
        if (r.dropped) {
          warnings.push(`${source}: ${key} ${version} dropped as KubeSphere would drop it: ${r.dropped}`);
          continue;
        }
        spec = r.spec!;
        if (!spec.version || !validChartVersion(spec.version)) {
          warnings.push(`${source}: ${key} ${version} dropped: extension.yaml has no valid version (${JSON.stringify(spec.version ?? "")})`);
          continue;
        }
      } else {
        spec = specFromIndexEntry(entry, version);
        fromIndex = true;
        indexOnly.push(`${key}-${version}`);
      }
      if (url) spec.chartURL = resolveChartUrl(url, repoUrl);
      if (typeof entry.created === "string" && entry.created !== "") spec.created = entry.created;
      else if (entry.created instanceof Date) spec.created = entry.created.toISOString();
      if (typeof entry.digest === "string" && entry.digest !== "") spec.digest = entry.digest;
      spec.repository = repoName;
      const labels: Record<string, string> = { [LABEL_REPOSITORY_REF]: repoName, [LABEL_EXTENSION_REF]: key };
      if (spec.category) labels[LABEL_CATEGORY] = spec.category;
      const annotations: Record<string, string> = {};
      if (entry.annotations && typeof entry.annotations === "object") {
        for (const [k, v] of Object.entries(entry.annotations as Record<string, unknown>)) annotations[k] = String(v);
      }
      if (fromIndex) annotations[ANNOTATION_SPEC_SOURCE] = "index";
      decoded.push({
        apiVersion: KS_API_VERSION, kind: "ExtensionVersion",
        metadata: { name: `${key}-${version}`, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
        spec: sortSpec(spec),
      });
    }
    // Newest first by semver; keep `depth` (docs/kubesphere-catalog.md §4 step 3, §7).
    decoded.sort((a, b) => compareVersions(b.spec.version!, a.spec.version!));
    const kept = depth > 0 ? decoded.slice(0, depth) : decoded;
    if (kept.length < decoded.length) {
      warnings.push(`${source}: ${key}: only the newest ${depth} of ${decoded.length} versions are kept (Repository depth ${depth}); ` +
        `not synced: ${decoded.slice(kept.length).map((e) => e.spec.version).join(", ")}`);
    }
    if (kept.length === 0) continue;
    const newest = kept[0];
    const extLabels: Record<string, string> = { [LABEL_REPOSITORY_REF]: repoName };
    if (newest.spec.category) extLabels[LABEL_CATEGORY] = newest.spec.category;
    const extSpec: Extension["spec"] = {};
    for (const f of ["displayName", "description", "icon", "provider", "created"] as const) {
      if (newest.spec[f] !== undefined) (extSpec as Record<string, unknown>)[f] = newest.spec[f];
    }
    const ascending = [...kept].reverse();
    const recommended = recommendedVersion(kept, host.ksVersion, host.kubeVersion);
    extensions.push({
      apiVersion: KS_API_VERSION, kind: "Extension", metadata: { name: key, labels: extLabels }, spec: extSpec,
      status: {
        versions: ascending.map((e) => ({ version: e.spec.version! })),
        ...(recommended !== undefined ? { recommendedVersion: recommended } : {}),
      },
    });
    versions.push(...ascending);
  }
  // What the static catalog will set aside (and resolution will name) is said here too, at load time.
  warnings.push(...validateCatalogObjects(versions, source, "ExtensionVersion").invalid.map(describeInvalid));
  if (indexOnly.length > 0) {
    warnings.push(`${source}: no chart archive found for ${indexOnly.length} version(s) (${indexOnly.slice(0, 5).join(", ")}` +
      `${indexOnly.length > 5 ? ", ..." : ""}); their spec comes from the index alone, so ksVersion, namespace, ` +
      "installationMode, externalDependencies, displayName and category are unknown (KubeSphere reads them from " +
      "extension.yaml inside the archive). Put the archives next to index.yaml (charts/<name>-<version>.tgz) for exact previews");
  }
  return { objects: [repository, ...extensions, ...versions], warnings };
}

function readIndex(pathOrText: string): { index: unknown; source: string; dir?: string } {
  const looksLikeText = pathOrText.includes("\n") || /^\s*(apiVersion|entries)\s*:/.test(pathOrText);
  if (!looksLikeText) {
    let file = pathOrText;
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.yaml");
    if (!fs.existsSync(file)) throw new Error(`museum index ${pathOrText} does not exist`);
    return { index: parseIndexText(decodeUtf8Strictly(fs.readFileSync(file), file), file), source: file, dir: path.dirname(file) };
  }
  return { index: parseIndexText(pathOrText, "museum index"), source: "the museum index" };
}

function parseIndexText(text: string, source: string): unknown {
  // Helm indexes can carry duplicate keys; the last one wins, as in Go's YAML decoder.
  const docs = parseYamlSafely(text, source, { uniqueKeys: false });
  return docs[0];
}

/**
 * A `StaticCatalog` from a museum `index.yaml`, given as a file path, a directory holding
 * `index.yaml` (chart archives are then looked up next to it), or the index text itself.
 *
 * @param pathOrText path of `index.yaml` (or its directory), or YAML text
 * @param facts stated cluster facts (host versions, installed extensions, clusters)
 * @param options repository name/URL/depth; `chartsDir` defaults to the index file's directory
 */
export function catalogFromMuseumIndex(pathOrText: string, facts: ClusterFacts = {}, options: MuseumIndexOptions = {}): StaticCatalog {
  return museumCatalog(pathOrText, facts, options).catalog;
}

/** Like {@link catalogFromMuseumIndex}, also returning the warnings. */
export function museumCatalog(
  pathOrText: string,
  facts: ClusterFacts = {},
  options: MuseumIndexOptions = {},
): { catalog: StaticCatalog; warnings: string[] } {
  const { index, source, dir } = readIndex(pathOrText);
  const r = museumIndexObjects(index, { source, chartsDir: dir, ...options }, facts);
  return { catalog: new StaticCatalog(r.objects, facts, `museum index ${source}`), warnings: r.warnings };
}

/** A catalog source loaded by {@link loadCatalogSource}. */
export interface LoadedCatalogSource {
  /** The catalog over every object found. */
  catalog: StaticCatalog;
  /** Warnings from museum indexes (skipped entries, index-only specs). */
  warnings: string[];
}

function isIndexFile(file: string): boolean {
  if (!/\.ya?ml$/i.test(file)) return false;
  let head: string;
  try {
    head = decodeUtf8Strictly(fs.readFileSync(file), file);
  } catch {
    return false; // read as YAML objects, which refuses it with the file's name
  }
  if (!/^entries\s*:/m.test(head)) return false;
  try {
    return isMuseumIndex(parseIndexText(head, file));
  } catch {
    return false;
  }
}

/**
 * Loads a catalog from paths that may mix KubeSphere YAML objects and museum indexes: a file that is
 * a Helm repository index (top-level `entries:`) is read as a museum (with chart archives next to it);
 * a directory is read as YAML objects, except that an `index.yaml` in it that is a museum index is
 * read as one. This is what `catalogPaths` of the component and `--catalog` of the CLI accept.
 *
 * @param paths files and/or directories
 * @param facts stated cluster facts
 * @param options museum options (repository name/URL/depth)
 */
export function loadCatalogSource(paths: string | string[], facts: ClusterFacts = {}, options: MuseumIndexOptions = {}): LoadedCatalogSource {
  const list = Array.isArray(paths) ? paths : [paths];
  const objects: unknown[] = [];
  const warnings: string[] = [];
  for (const p of list) {
    if (!fs.existsSync(p)) throw new Error(`catalog path ${p} does not exist`);
    const files = fs.statSync(p).isDirectory()
      ? fs.readdirSync(p).filter((f) => /\.ya?ml$/i.test(f)).sort().map((f) => path.join(p, f))
      : [p];
    for (const file of files) {
      if (isIndexFile(file)) {
        const r = museumIndexObjects(parseIndexText(decodeUtf8Strictly(fs.readFileSync(file), file), file),
          { source: file, chartsDir: path.dirname(file), ...options }, facts);
        objects.push(...r.objects);
        warnings.push(...r.warnings);
      } else {
        objects.push(...readYamlDocuments([file]));
      }
    }
  }
  return { catalog: new StaticCatalog(objects, facts, `static catalog ${list.join(", ")}`), warnings };
}
