/**
 * Validation of catalog objects as a real cluster, a museum or a hand-written file may serve them:
 * objects without `spec`, wrong types, two objects with one name, an ExtensionVersion whose
 * `spec.version` disagrees with its name, dependency entries without a name or with a range that
 * does not parse, a lower-case `installationMode`. A malformed object is set aside with every
 * problem named (field, what is wrong, what would be valid), so nothing downstream meets a shape it
 * cannot handle (never a TypeError), and resolution can say why a version is unusable.
 *
 * Used by the static catalog (files, museum indexes: every object passes through its constructor)
 * and the live catalog (each LIST). Pure.
 */
import type { InvalidCatalogObject } from "./catalog";
import { LABEL_EXTENSION_REF } from "../kubesphere/types";
import { parseConstraint, parseVersion, SemverError } from "../semver/masterminds";

/** Kinds this package reads; other kinds pass through unchecked (and are ignored by the catalogs). */
export const CATALOG_KINDS = ["ExtensionVersion", "Extension", "Category", "Repository", "Cluster", "InstallPlan"] as const;

const EV_STRING_FIELDS = ["icon", "created", "version", "repository", "category", "home", "docs", "digest", "kubeVersion",
  "ksVersion", "chartURL", "namespace", "installationMode"];
const EV_STRING_LIST_FIELDS = ["keywords", "sources", "screenshots"];
const INSTALLATION_MODES = ["HostOnly", "Multicluster"];

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return `a ${typeof v} (${JSON.stringify(v)?.slice(0, 40)})`;
}

function stringMapProblems(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (!isObject(v)) return [`${field} must be a mapping of strings, not ${typeName(v)}`];
  return Object.entries(v).filter(([, x]) => typeof x !== "string")
    .map(([k, x]) => `${field}[${JSON.stringify(k)}] must be a string, not ${typeName(x)}`);
}

function metadataProblems(o: Obj): string[] {
  const m = o.metadata;
  if (!isObject(m)) return [`metadata ${m === undefined ? "is missing" : `must be an object, not ${typeName(m)}`}; every object needs metadata.name`];
  const problems: string[] = [];
  if (typeof m.name !== "string" || m.name === "") {
    problems.push(`metadata.name ${m.name === undefined ? "is missing" : `must be a non-empty string, not ${typeName(m.name)}`}`);
  }
  problems.push(...stringMapProblems(m.labels, "metadata.labels"), ...stringMapProblems(m.annotations, "metadata.annotations"));
  return problems;
}

function semverProblem(text: string, parse: (t: string) => unknown): string | undefined {
  try {
    parse(text);
    return undefined;
  } catch (e) {
    if (e instanceof SemverError) return e.message;
    throw e;
  }
}

function extensionVersionProblems(o: Obj): string[] {
  const problems: string[] = [];
  const spec = o.spec;
  if (!isObject(spec)) {
    return [`spec ${spec === undefined ? "is missing" : `must be an object, not ${typeName(spec)}`}; an ExtensionVersion needs ` +
      "at least spec.version (the version it describes)"];
  }
  for (const f of EV_STRING_FIELDS) {
    if (spec[f] !== undefined && spec[f] !== null && typeof spec[f] !== "string") problems.push(`spec.${f} must be a string, not ${typeName(spec[f])}`);
  }
  for (const f of EV_STRING_LIST_FIELDS) {
    const v = spec[f];
    if (v !== undefined && v !== null && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) {
      problems.push(`spec.${f} must be a list of strings, not ${typeName(v)}`);
    }
  }
  const name = (o.metadata as Obj | undefined)?.name;
  const ref = ((o.metadata as Obj | undefined)?.labels as Obj | undefined)?.[LABEL_EXTENSION_REF];
  if (spec.version === undefined || spec.version === "") {
    problems.push("spec.version is missing; it must be the exact version the object describes (its name is `<extension>-<version>`)");
  } else if (typeof spec.version === "string") {
    const vp = semverProblem(spec.version, parseVersion);
    if (vp) problems.push(`spec.version ${JSON.stringify(spec.version)} is not a version: ${vp}`);
    if (typeof name === "string") {
      const expected = typeof ref === "string" ? `${ref}-${spec.version}` : undefined;
      if (expected !== undefined ? name !== expected : !name.endsWith(`-${spec.version}`)) {
        problems.push(`spec.version ${JSON.stringify(spec.version)} disagrees with the name ${JSON.stringify(name)}: an ExtensionVersion ` +
          `is named \`<extension>-<version>\`${expected ? ` (here ${JSON.stringify(expected)})` : ""}, and the controller installs the version the name says`);
      }
    }
  }
  if (typeof spec.installationMode === "string" && !INSTALLATION_MODES.includes(spec.installationMode)) {
    const cased = INSTALLATION_MODES.find((m) => m.toLowerCase() === (spec.installationMode as string).toLowerCase());
    problems.push(`spec.installationMode ${JSON.stringify(spec.installationMode)} is not valid: the CRD allows "HostOnly" or ` +
      `"Multicluster"${cased ? ` (case-sensitive: write ${JSON.stringify(cased)})` : ""}`);
  }
  const deps = spec.externalDependencies;
  if (deps !== undefined && deps !== null) {
    if (!Array.isArray(deps)) problems.push(`spec.externalDependencies must be a list of { name, version, required }, not ${typeName(deps)}`);
    else {
      deps.forEach((d, i) => {
        const at = `spec.externalDependencies[${i}]`;
        if (!isObject(d)) { problems.push(`${at} must be an object { name, version, required }, not ${typeName(d)}`); return; }
        if (typeof d.name !== "string" || d.name === "") {
          problems.push(`${at}.name ${d.name === undefined ? "is missing" : `must be a non-empty string, not ${typeName(d.name)}`}; ` +
            "each dependency names the extension it needs");
        }
        if (d.version !== undefined && d.version !== null) {
          if (typeof d.version !== "string") problems.push(`${at}.version must be a version range string such as ">= 1.0.0-0", not ${typeName(d.version)}`);
          else if (d.version.trim() !== "") {
            const rp = semverProblem(d.version, parseConstraint);
            if (rp) problems.push(`${at}.version ${JSON.stringify(d.version)} is an unparsable range (${rp}); write a Masterminds range such as ">= 1.0.0-0"`);
          }
        }
        if (d.required !== undefined && d.required !== null && typeof d.required !== "boolean") {
          problems.push(`${at}.required must be true or false, not ${typeName(d.required)}`);
        }
        if (d.type !== undefined && d.type !== null && typeof d.type !== "string") problems.push(`${at}.type must be a string, not ${typeName(d.type)}`);
      });
    }
  }
  return problems;
}

function extensionProblems(o: Obj): string[] {
  const problems: string[] = [];
  if (o.spec !== undefined && o.spec !== null && !isObject(o.spec)) problems.push(`spec must be an object, not ${typeName(o.spec)}`);
  const st = o.status;
  if (st !== undefined && st !== null) {
    if (!isObject(st)) problems.push(`status must be an object, not ${typeName(st)}`);
    else {
      for (const f of ["state", "installedVersion", "recommendedVersion", "plannedInstallVersion"]) {
        if (st[f] !== undefined && st[f] !== null && typeof st[f] !== "string") problems.push(`status.${f} must be a string, not ${typeName(st[f])}`);
      }
    }
  }
  return problems;
}

function installPlanProblems(o: Obj): string[] {
  const spec = o.spec;
  if (!isObject(spec)) return [`spec ${spec === undefined ? "is missing" : `must be an object, not ${typeName(spec)}`}; an InstallPlan needs spec.extension`];
  const ext = spec.extension;
  if (!isObject(ext)) return [`spec.extension must be an object { name, version }, not ${typeName(ext)}`];
  const problems: string[] = [];
  if (typeof ext.name !== "string") problems.push(`spec.extension.name must be a string, not ${typeName(ext.name)}`);
  if (ext.version !== undefined && typeof ext.version !== "string") problems.push(`spec.extension.version must be a string, not ${typeName(ext.version)}`);
  const cs = spec.clusterScheduling;
  if (cs !== undefined && cs !== null) {
    if (!isObject(cs)) problems.push(`spec.clusterScheduling must be an object, not ${typeName(cs)}`);
    else {
      const clusters = (cs.placement as Obj | undefined)?.clusters;
      if (cs.placement !== undefined && cs.placement !== null && !isObject(cs.placement)) problems.push("spec.clusterScheduling.placement must be an object");
      else if (clusters !== undefined && clusters !== null && (!Array.isArray(clusters) || clusters.some((c) => typeof c !== "string"))) {
        problems.push("spec.clusterScheduling.placement.clusters must be a list of strings");
      }
      problems.push(...stringMapProblems(cs.overrides ?? undefined, "spec.clusterScheduling.overrides"));
    }
  }
  return problems;
}

function clusterProblems(o: Obj): string[] {
  const st = o.status;
  if (st === undefined || st === null) return [];
  if (!isObject(st)) return [`status must be an object, not ${typeName(st)}`];
  const conds = st.conditions;
  if (conds !== undefined && conds !== null && (!Array.isArray(conds) || conds.some((c) => !isObject(c)))) {
    return ["status.conditions must be a list of condition objects"];
  }
  return [];
}

function repositoryProblems(o: Obj): string[] {
  const spec = o.spec;
  if (spec === undefined || spec === null) return [];
  if (!isObject(spec)) return [`spec must be an object, not ${typeName(spec)}`];
  if (spec.depth !== undefined && spec.depth !== null && (typeof spec.depth !== "number" || !Number.isInteger(spec.depth))) {
    return [`spec.depth must be a whole number, not ${typeName(spec.depth)}`];
  }
  return [];
}

function extensionOf(o: Obj): string | undefined {
  const meta = o.metadata as Obj | undefined;
  const ref = (meta?.labels as Obj | undefined)?.[LABEL_EXTENSION_REF];
  if (typeof ref === "string") return ref;
  const name = meta?.name;
  if (typeof name !== "string") return undefined;
  const m = /^(.*?)-v?\d+(\.\d+)*(-[0-9A-Za-z.-]+)?$/.exec(name);
  return m ? m[1] : undefined;
}

/** Result of validating a list of catalog objects. */
export interface CatalogValidation<T> {
  /** Objects that passed, in their original order. */
  valid: T[];
  /** Objects set aside, with every problem. */
  invalid: InvalidCatalogObject[];
}

/**
 * Validates catalog objects. Objects of kinds this package does not read pass through unchecked.
 *
 * @param objects raw objects (any shape)
 * @param source where they came from, for messages (a file, a museum index, a cluster)
 * @param expectedKind the kind a LIST returned (objects without `kind` are taken to be of it)
 */
export function validateCatalogObjects<T = unknown>(objects: unknown[], source: string, expectedKind?: string): CatalogValidation<T> {
  const valid: T[] = [];
  const invalid: InvalidCatalogObject[] = [];
  const checked: Array<{ o: unknown; kind: string; name?: string; problems: string[] }> = objects.map((o) => {
    if (!isObject(o)) return { o, kind: expectedKind ?? "unknown", problems: [`is ${typeName(o)}, not a Kubernetes object`] };
    const kind = typeof o.kind === "string" ? o.kind : expectedKind;
    if (kind === undefined) return { o, kind: "unknown", problems: [`has no kind; give kind: ${CATALOG_KINDS.join(" | ")}`] };
    if (!(CATALOG_KINDS as readonly string[]).includes(kind)) return { o, kind, problems: [] };
    const problems = metadataProblems(o);
    const name = typeof (o.metadata as Obj | undefined)?.name === "string" ? (o.metadata as Obj).name as string : undefined;
    if (problems.length === 0) {
      switch (kind) {
        case "ExtensionVersion": problems.push(...extensionVersionProblems(o)); break;
        case "Extension": problems.push(...extensionProblems(o)); break;
        case "InstallPlan": problems.push(...installPlanProblems(o)); break;
        case "Cluster": problems.push(...clusterProblems(o)); break;
        case "Repository": problems.push(...repositoryProblems(o)); break;
        default: break;
      }
    }
    return { o, kind, name, problems };
  });
  // Two objects of one kind and name: the catalog cannot tell which one the cluster holds.
  const counts = new Map<string, number>();
  for (const c of checked) if (c.name !== undefined) counts.set(`${c.kind}/${c.name}`, (counts.get(`${c.kind}/${c.name}`) ?? 0) + 1);
  for (const c of checked) {
    const n = c.name !== undefined ? counts.get(`${c.kind}/${c.name}`) ?? 0 : 0;
    if (n > 1) c.problems.push(`${n} ${c.kind} objects are named ${JSON.stringify(c.name)}; names are unique in a cluster, so the source is inconsistent — keep one`);
    if (c.problems.length === 0) valid.push(c.o as T);
    else invalid.push({ kind: c.kind, ...(c.name !== undefined ? { name: c.name } : {}), ...(isObject(c.o) && extensionOf(c.o) ? { extension: extensionOf(c.o) } : {}), source, problems: c.problems });
  }
  return { valid, invalid };
}

/** One line per invalid object, for warnings. */
export function describeInvalid(o: InvalidCatalogObject): string {
  return `${o.source}: ${o.kind} ${o.name !== undefined ? JSON.stringify(o.name) : "(unnamed)"} is malformed and ignored: ${o.problems.join("; ")}`;
}
