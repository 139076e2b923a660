/**
 * A catalog built from KubeSphere YAML documents (for example `kubectl get extensionversions,extensions
 * -o yaml` saved from a cluster) plus stated cluster
 * facts, so previews, tests and the CLI work offline and give the same answers as a live read.
 */
import * as fs from "fs";
import * as path from "path";
import { decodeUtf8Strictly, parseYamlSafely } from "../config/safeYaml";
import type { Catalog, HostVersions, InvalidCatalogObject } from "./catalog";
import { validateCatalogObjects } from "./validate";
import {
  Category,
  Cluster,
  Extension,
  ExtensionVersion,
  InstallPlan,
  KS_API_VERSION,
  KS_CLUSTER_API_VERSION,
  LABEL_HOST_CLUSTER,
  Repository,
} from "../kubesphere/types";

/** An extension stated as already installed in the cluster. */
export interface InstalledExtensionFact {
  /** Extension name. */
  name: string;
  /** Installed version (`Extension.status.installedVersion`). */
  version: string;
  /** `Extension.status.state`; defaults to `Installed`. */
  state?: string;
}

/** Facts about the cluster that YAML catalog documents do not carry. */
export interface ClusterFacts {
  /** KubeSphere version of the host, e.g. `v4.1.3`. Unset: ksVersion constraints cannot be checked. */
  ksVersion?: string;
  /** Kubernetes gitVersion of the host, e.g. `v1.30.4`. Unset: kubeVersion constraints cannot be checked. */
  kubeVersion?: string;
  /**
   * Extensions already installed. Either a map `name -> version` or a list. Overrides whatever
   * `Extension.status` the documents carry for those names.
   */
  installed?: Record<string, string> | InstalledExtensionFact[];
  /**
   * Cluster names known to the host (host first by convention). Each becomes a Ready, schedulable
   * `Cluster`; the name `host` (or the first name when no `host` is listed) is labelled as host.
   * Unset: the documents' Cluster objects, or a single `host` cluster when there are none.
   */
  clusters?: string[];
  /** Cluster names that exist but are not schedulable (Ready=False). */
  unschedulableClusters?: string[];
}

type AnyObject = { apiVersion?: string; kind?: string; metadata?: { name?: string }; [k: string]: unknown };

/**
 * Reads every YAML document from files and directories (`*.yaml`/`*.yml`, sorted, not recursive).
 * A file that is not UTF-8, does not parse, or is a YAML bomb is refused with its name.
 */
export function readYamlDocuments(paths: string[]): AnyObject[] {
  const docs: AnyObject[] = [];
  for (const p of paths) {
    const stat = fs.statSync(p);
    const files = stat.isDirectory()
      ? fs.readdirSync(p).filter((f) => /\.ya?ml$/i.test(f)).sort().map((f) => path.join(p, f))
      : [p];
    for (const file of files) docs.push(...parseYamlDocuments(decodeUtf8Strictly(fs.readFileSync(file), file), file));
  }
  return docs;
}

/**
 * Parses a multi-document YAML text; `List` objects are flattened into their items. Anchors and
 * aliases are accepted in any number; exponential alias expansion is refused (`safeYaml.ts`).
 */
export function parseYamlDocuments(text: string, source = "<yaml>"): AnyObject[] {
  const out: AnyObject[] = [];
  for (const value of parseYamlSafely(text, source)) {
    if (value === null || value === undefined) continue;
    const obj = value as AnyObject;
    if (obj && typeof obj === "object" && typeof obj.kind === "string" && obj.kind.endsWith("List") && Array.isArray(obj.items)) {
      out.push(...(obj.items as AnyObject[]));
    } else {
      out.push(obj);
    }
  }
  return out;
}

function readyCluster(name: string, isHost: boolean, ready: boolean): Cluster {
  return {
    apiVersion: KS_CLUSTER_API_VERSION,
    kind: "Cluster",
    metadata: { name, labels: isHost ? { [LABEL_HOST_CLUSTER]: "", "kubesphere.io/managed": "true" } : {} },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  };
}

/** A `Catalog` over in-memory objects. Immutable after construction. */
export class StaticCatalog implements Catalog {
  readonly description: string;
  private readonly evs: ExtensionVersion[] = [];
  private readonly exts: Extension[] = [];
  private readonly cats: Category[] = [];
  private readonly repos: Repository[] = [];
  private readonly clusterObjs: Cluster[] = [];
  private readonly plans: InstallPlan[] = [];
  private readonly versions: HostVersions;
  private readonly invalid: InvalidCatalogObject[];

  /**
   * @param documents KubeSphere objects (ExtensionVersion, Extension, Category, Repository, Cluster,
   *   InstallPlan); other kinds are ignored.
   * @param facts stated cluster facts.
   * @param description where the documents came from, for messages.
   */
  constructor(documents: unknown[], facts: ClusterFacts = {}, description = "a static catalog") {
    this.description = description;
    // Malformed objects are set aside here, so every reader sees well-formed objects only.
    const { valid, invalid } = validateCatalogObjects<AnyObject>(documents, description);
    this.invalid = invalid;
    for (const d of valid) {
      const copy = structuredClone(d) as never;
      switch (d.kind) {
        case "ExtensionVersion": this.evs.push(copy); break;
        case "Extension": this.exts.push(copy); break;
        case "Category": this.cats.push(copy); break;
        case "Repository": this.repos.push(copy); break;
        case "Cluster": this.clusterObjs.push(copy); break;
        case "InstallPlan": this.plans.push(copy); break;
        default: break;
      }
    }
    if (facts.clusters !== undefined || this.clusterObjs.length === 0) {
      const names = facts.clusters ?? ["host"];
      const hostName = names.includes("host") ? "host" : names[0];
      this.clusterObjs.splice(0, this.clusterObjs.length,
        ...names.map((n) => readyCluster(n, n === hostName, true)));
    }
    for (const n of facts.unschedulableClusters ?? []) {
      const i = this.clusterObjs.findIndex((c) => c.metadata.name === n);
      const c = readyCluster(n, false, false);
      if (i >= 0) this.clusterObjs[i] = c; else this.clusterObjs.push(c);
    }
    const installed: InstalledExtensionFact[] = Array.isArray(facts.installed)
      ? facts.installed
      : Object.entries(facts.installed ?? {}).map(([name, version]) => ({ name, version }));
    for (const fact of installed) {
      let ext = this.exts.find((e) => e.metadata.name === fact.name);
      if (!ext) {
        ext = { apiVersion: KS_API_VERSION, kind: "Extension", metadata: { name: fact.name } };
        this.exts.push(ext);
      }
      ext.status = { ...ext.status, state: fact.state ?? "Installed", installedVersion: fact.version,
        plannedInstallVersion: fact.version };
    }
    this.versions = {
      ksVersion: facts.ksVersion,
      kubeVersion: facts.kubeVersion,
      ksVersionSource: facts.ksVersion ? "stated cluster facts" : undefined,
      kubeVersionSource: facts.kubeVersion ? "stated cluster facts" : undefined,
    };
  }

  /** Builds a catalog from YAML text (one or more multi-document strings). */
  static fromYaml(texts: string | string[], facts: ClusterFacts = {}, description = "YAML documents"): StaticCatalog {
    const list = Array.isArray(texts) ? texts : [texts];
    return new StaticCatalog(list.flatMap((t, i) => parseYamlDocuments(t, `document ${i + 1}`)), facts, description);
  }

  /** Builds a catalog from YAML files and/or directories of YAML files. */
  static fromFiles(paths: string | string[], facts: ClusterFacts = {}): StaticCatalog {
    const list = Array.isArray(paths) ? paths : [paths];
    return new StaticCatalog(readYamlDocuments(list), facts, `static catalog ${list.join(", ")}`);
  }

  async extensionVersions(): Promise<ExtensionVersion[]> { return this.evs; }
  async extensions(): Promise<Extension[]> { return this.exts; }
  async categories(): Promise<Category[]> { return this.cats; }
  async repositories(): Promise<Repository[]> { return this.repos; }
  async clusters(): Promise<Cluster[]> { return this.clusterObjs; }
  async installPlans(): Promise<InstallPlan[]> { return this.plans; }
  async hostVersions(): Promise<HostVersions> { return this.versions; }
  async invalidObjects(): Promise<InvalidCatalogObject[]> { return this.invalid; }
}
