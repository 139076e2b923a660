/**
 * Fixture helpers: the KubeSphere catalog (shipped, or any directory of catalog YAML), Cluster
 * objects (the `host` and members) and a kubeconfig that points at a {@link FakeKubeApiServer}.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { LABEL_HOST_CLUSTER, type Cluster } from "../components/kubesphere/types";
import shippedCatalogJson from "./catalog/catalog.json";
import { resourceTypeOfObject } from "./resources";
import type { KubeObject, ObjectStore } from "./store";

/** Finds the repository root: the nearest directory above this file that holds `package.json`. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`simulator: no package.json above ${from}`);
    dir = up;
  }
}

/**
 * The catalog the simulator ships (`simulator/catalog/catalog.json`, built by
 * `simulator/catalog/generate.ts`): the KubeSphere v4.1.3 extensions-museum catalog (Repository,
 * 11 Categories, 27 Extensions, 37 ExtensionVersions) without icons, plus the chart facts the
 * simulated controller needs (see {@link shippedAgentConditions}).
 */
interface ShippedCatalog {
  objects: KubeObject[];
  agentConditions: Record<string, string[]>;
}

function shippedCatalog(): ShippedCatalog {
  // A JSON import (not a file read), so that `tsc` copies the file next to the compiled module.
  // Callers get copies, never this object.
  return shippedCatalogJson as unknown as ShippedCatalog;
}

/**
 * Per ExtensionVersion name (`<ext>-<version>`), the `condition` values of the chart's
 * dependencies tagged `agent` (read from the chart archives of the shipped catalog). The host
 * release's helm command forces each of them to `false` (docs/kubesphere-behavior.md).
 */
export function shippedAgentConditions(): Record<string, string[]> {
  return JSON.parse(JSON.stringify(shippedCatalog().agentConditions)) as Record<string, string[]>;
}

/**
 * Returns catalog objects (fresh copies): with `dir`, every `*.yaml` file of that directory
 * (multi-document, comment headers allowed) in file-name order, the parse cached per directory
 * for the life of the process; without `dir`, the catalog the simulator ships. Throws naming the
 * file when a document is not a Kubernetes object, or naming the directory when it is missing.
 * @param dir a directory of catalog `*.yaml` files; omitted: the shipped catalog.
 */
export function readCatalog(dir?: string): KubeObject[] {
  if (dir === undefined) return JSON.parse(JSON.stringify(shippedCatalog().objects)) as KubeObject[];
  const cached = catalogCache.get(dir);
  if (cached) return JSON.parse(cached) as KubeObject[];
  const objects = parseCatalogDir(dir);
  catalogCache.set(dir, JSON.stringify(objects));
  return objects;
}

/** Parsed catalogs by directory (YAML parsing dominates test set-up time otherwise). */
const catalogCache = new Map<string, string>();

/**
 * Parses every `*.yaml`/`*.yml` file of `dir` in file-name order (no cache).
 * @param dir the catalog directory.
 */
export function parseCatalogDir(dir: string): KubeObject[] {
  if (!fs.existsSync(dir)) {
    throw new Error(`simulator: catalog directory ${dir} does not exist (pass a directory of KubeSphere catalog *.yaml files, or none for the shipped v4.1.3 catalog)`);
  }
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort();
  const objects: KubeObject[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    for (const doc of YAML.parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`simulator: ${file}: ${doc.errors[0].message}`);
      const obj = doc.toJS() as KubeObject | null;
      if (obj === null || obj === undefined) continue;
      if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
        throw new Error(`simulator: ${file}: a document is not a Kubernetes object (apiVersion/kind/metadata.name missing)`);
      }
      objects.push(obj);
    }
  }
  return objects;
}

/** Options of a Cluster fixture. */
export interface ClusterFixtureOptions {
  /** Condition `Ready` (default true). */
  ready?: boolean;
  /** `false` adds condition `Schedulable=False` (default: no Schedulable condition, i.e. schedulable). */
  schedulable?: boolean;
  /** Extra labels. */
  labels?: Record<string, string>;
  /** `status.kubernetesVersion` (default `v1.30.4`). */
  kubernetesVersion?: string;
  /** `status.kubeSphereVersion` (default `v4.1.3`). */
  kubeSphereVersion?: string;
}

/**
 * A Cluster object. The host is named `host` and labelled `cluster-role.kubesphere.io/host: ""`
 * and `kubesphere.io/managed: "true"` (docs/kubesphere-behavior.md §1.7); members get `cluster-role.kubesphere.io/member`.
 */
export function clusterFixture(name: string, role: "host" | "member", options: ClusterFixtureOptions = {}): Cluster {
  const labels: Record<string, string> = { "kubesphere.io/managed": "true", ...(options.labels ?? {}) };
  if (role === "host") labels[LABEL_HOST_CLUSTER] = "";
  else labels["cluster-role.kubesphere.io/member"] = "";
  const conditions: Array<{ type: string; status: string; reason?: string; message?: string }> = [
    { type: "Ready", status: options.ready === false ? "False" : "True", reason: options.ready === false ? "Unreachable" : "Ready", message: options.ready === false ? "Cluster is not available" : "Cluster is available now" },
  ];
  if (options.schedulable === false) conditions.push({ type: "Schedulable", status: "False", reason: "Unschedulable", message: "Cluster is marked unschedulable" });
  return {
    apiVersion: "cluster.kubesphere.io/v1alpha1",
    kind: "Cluster",
    metadata: { name, labels },
    spec: {
      provider: "simulator",
      connection: {
        type: "direct",
        kubernetesAPIEndpoint: `https://${name}.simulator.invalid:6443`,
        // A placeholder kubeconfig: the simulator never dials member clusters.
        kubeconfig: Buffer.from(`# simulated kubeconfig of cluster ${name}\n`).toString("base64"),
      },
    },
    status: {
      conditions,
      kubernetesVersion: options.kubernetesVersion ?? "v1.30.4",
      kubeSphereVersion: options.kubeSphereVersion ?? "v4.1.3",
    },
  };
}

/** Options of {@link loadCatalogInto}. */
export interface LoadCatalogOptions {
  /** Catalog directory of `*.yaml` files (default: the catalog the simulator ships, see {@link readCatalog}). */
  dir?: string;
  /** Only load Extensions/ExtensionVersions of these extensions (Categories and Repositories always). */
  extensions?: string[];
  /** Member clusters to create besides `host` (names or `[name, options]`). Default none. */
  members?: Array<string | [string, ClusterFixtureOptions]>;
  /** Create the `host` Cluster (default true). */
  host?: boolean;
}

/**
 * Loads the catalog plus Cluster objects into a store (through the store's normal create
 * path, so objects get uids and resourceVersions). Returns the created objects.
 */
export function loadCatalogInto(store: ObjectStore, options: LoadCatalogOptions = {}): KubeObject[] {
  const created: KubeObject[] = [];
  for (const obj of readCatalog(options.dir)) {
    if (options.extensions && (obj.kind === "Extension" || obj.kind === "ExtensionVersion")) {
      const ext = obj.kind === "Extension" ? obj.metadata.name : obj.metadata.labels?.["kubesphere.io/extension-ref"];
      if (!ext || !options.extensions.includes(ext)) continue;
    }
    const type = resourceTypeOfObject(obj);
    if (!type) throw new Error(`simulator: catalog object ${obj.kind}/${obj.metadata.name} has an unserved type ${obj.apiVersion}`);
    created.push(store.create(type, obj));
  }
  const clusters: Cluster[] = [];
  if (options.host !== false) clusters.push(clusterFixture("host", "host"));
  for (const m of options.members ?? []) {
    const [name, opts] = typeof m === "string" ? [m, {}] : m;
    clusters.push(clusterFixture(name, "member", opts));
  }
  for (const c of clusters) created.push(store.create("clusters", c as unknown as KubeObject));
  return created;
}

/**
 * Sets a Cluster's `Ready` and/or `Schedulable` conditions in the store (the controller treats a
 * cluster as schedulable when Ready=True and not Schedulable=False, docs/kubesphere-behavior.md §1.7).
 */
export function setClusterConditions(store: ObjectStore, name: string, conditions: { ready?: boolean; schedulable?: boolean }): KubeObject {
  const cluster = store.mustGet("clusters", name);
  const status = (cluster.status ?? {}) as { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
  let list = [...(status.conditions ?? [])];
  const set = (type: string, value: boolean): void => {
    list = list.filter((c) => c.type !== type);
    list.push({ type, status: value ? "True" : "False", reason: value ? type : `Not${type}`, message: "" });
  };
  if (conditions.ready !== undefined) set("Ready", conditions.ready);
  if (conditions.schedulable !== undefined) set("Schedulable", conditions.schedulable);
  cluster.status = { ...status, conditions: list };
  return store.update("clusters", cluster);
}

/** Options of {@link kubeconfigFor}. */
export interface KubeconfigOptions {
  /** Context/cluster/user name (default `simulator`). */
  name?: string;
  /** Bearer token (defaults to the server's). */
  token?: string;
}

/**
 * A kubeconfig (YAML text) that reaches `server` over plain HTTP with its bearer token.
 * `@kubernetes/client-node` accepts `server: http://127.0.0.1:<port>` only together with
 * `insecure-skip-tls-verify: true`, which is therefore set.
 */
export function kubeconfigFor(server: { url: string; token: string | null }, options: KubeconfigOptions = {}): string {
  const name = options.name ?? "simulator";
  const token = options.token ?? server.token ?? undefined;
  return YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    // client-node refuses plain http unless TLS verification is explicitly skipped.
    clusters: [{ name, cluster: { server: server.url, "insecure-skip-tls-verify": true } }],
    users: [{ name, user: token !== undefined ? { token } : {} }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
  });
}
