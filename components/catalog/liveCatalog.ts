/**
 * A catalog read from the live cluster with `@kubernetes/client-node` (kubeconfig, contexts, auth
 * and TLS handled by the client, never by hand). Each kind is LISTed at most once per instance, and
 * `LiveCatalog.shared()` hands every component of a program the same instance per
 * kubeconfig/context, so a program with N extensions makes one LIST per kind, not N GETs.
 */
import * as crypto from "crypto";
import * as https from "https";
import * as http from "http";
import * as k8s from "@kubernetes/client-node";
import type { Catalog, HostVersions } from "./catalog";
import type { Category, Cluster, Extension, ExtensionVersion, InstallPlan, Repository } from "../kubesphere/types";
import { isHostCluster } from "../kubesphere/clusters";

/** How to reach the cluster. The kubeconfig text is a secret: it is never logged or returned. */
export interface LiveCatalogOptions {
  /** Kubeconfig YAML text. Unset: the default loading rules (`KUBECONFIG`, `~/.kube/config`, in-cluster). */
  kubeconfig?: string;
  /** Context to use instead of the kubeconfig's current context. */
  context?: string;
  /** Overrides the discovered KubeSphere version. */
  ksVersion?: string;
  /** Overrides the discovered Kubernetes version. */
  kubeVersion?: string;
}

/** Builds a `KubeConfig` from options (shared with the readiness waiter and the CLI). */
export function loadKubeConfig(opts: { kubeconfig?: string; context?: string }): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (opts.kubeconfig !== undefined && opts.kubeconfig.trim() !== "") kc.loadFromString(opts.kubeconfig);
  else kc.loadFromDefault();
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new Error(`kubeconfig has no context ${JSON.stringify(opts.context)}; contexts: ${kc.getContexts().map((c) => c.name).join(", ") || "(none)"}`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new Error("no Kubernetes cluster is configured: pass `kubeconfig`, set KUBECONFIG, or use an offline catalog (`catalogPaths`)");
  }
  return kc;
}

function apiError(e: unknown): { code?: number; message: string } {
  const err = e as { code?: number; body?: unknown; message?: string };
  let message = err.message ?? String(e);
  try {
    const body = typeof err.body === "string" ? JSON.parse(err.body) : err.body;
    if (body && typeof body === "object" && "message" in body) message = String((body as { message: unknown }).message);
  } catch { /* body was not JSON */ }
  return { code: typeof err.code === "number" ? err.code : undefined, message };
}

/** A `Catalog` over the live cluster. */
export class LiveCatalog implements Catalog {
  readonly description: string;
  private readonly kc: k8s.KubeConfig;
  private readonly custom: k8s.CustomObjectsApi;
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly overrides: { ksVersion?: string; kubeVersion?: string };

  private static readonly instances = new Map<string, LiveCatalog>();

  constructor(opts: LiveCatalogOptions = {}) {
    this.kc = loadKubeConfig(opts);
    this.custom = this.kc.makeApiClient(k8s.CustomObjectsApi);
    this.overrides = { ksVersion: opts.ksVersion, kubeVersion: opts.kubeVersion };
    this.description = `the cluster at ${this.kc.getCurrentCluster()?.server} (context ${this.kc.getCurrentContext()})`;
  }

  /**
   * One instance per kubeconfig/context/overrides in this process, so every component of a program
   * shares the same LIST results. Keyed by a hash (the kubeconfig itself is not kept as a key).
   */
  static shared(opts: LiveCatalogOptions = {}): LiveCatalog {
    const key = crypto.createHash("sha256")
      .update(JSON.stringify([opts.kubeconfig ?? "", opts.context ?? "", opts.ksVersion ?? "", opts.kubeVersion ?? "",
        opts.kubeconfig === undefined ? process.env.KUBECONFIG ?? "" : ""]))
      .digest("hex");
    let inst = LiveCatalog.instances.get(key);
    if (!inst) {
      inst = new LiveCatalog(opts);
      LiveCatalog.instances.set(key, inst);
    }
    return inst;
  }

  /** Forgets shared instances (tests; a long-lived process that wants fresh reads). */
  static resetShared(): void {
    LiveCatalog.instances.clear();
  }

  /** The KubeConfig in use (for the readiness waiter and the CLI). */
  get kubeConfig(): k8s.KubeConfig {
    return this.kc;
  }

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.memo.set(key, p);
      // A failed read is not cached: the next caller retries.
      p.catch(() => this.memo.delete(key));
    }
    return p;
  }

  private list<T>(group: string, plural: string, optional = false): Promise<T[]> {
    return this.once(`${group}/${plural}`, async () => {
      try {
        const res = await this.custom.listClusterCustomObject({ group, version: "v1alpha1", plural });
        return ((res as { items?: T[] }).items ?? []) as T[];
      } catch (e) {
        const { code, message } = apiError(e);
        if (optional && code === 404) return [];
        if (code === 404) {
          throw new Error(`${this.description} does not serve ${plural}.${group}: is KubeSphere 4.x installed? (${message})`);
        }
        if (code === 401 || code === 403) {
          throw new Error(`cannot list ${plural}.${group} on ${this.description}: ${message}; the identity needs list access to it`);
        }
        throw new Error(`cannot list ${plural}.${group} on ${this.description}: ${message}`);
      }
    });
  }

  extensionVersions(): Promise<ExtensionVersion[]> { return this.list("kubesphere.io", "extensionversions"); }
  extensions(): Promise<Extension[]> { return this.list("kubesphere.io", "extensions"); }
  categories(): Promise<Category[]> { return this.list("kubesphere.io", "categories", true); }
  repositories(): Promise<Repository[]> { return this.list("kubesphere.io", "repositories", true); }
  /** Cluster objects; a KubeSphere without multicluster support serves none (then only the host exists). */
  clusters(): Promise<Cluster[]> { return this.list("cluster.kubesphere.io", "clusters", true); }
  installPlans(): Promise<InstallPlan[]> { return this.list("kubesphere.io", "installplans"); }

  /**
   * Kubernetes version from `/version`; KubeSphere version from, in order: the override, ks-apiserver's
   * `/kapis/version` on the same endpoint (kubeconfigs issued by KubeSphere point at ks-apiserver),
   * the host `Cluster`'s `status.kubeSphereVersion`, the image tag of `kubesphere-system/ks-controller-manager`.
   */
  hostVersions(): Promise<HostVersions> {
    return this.once("versions", async () => {
      const out: HostVersions = {};
      if (this.overrides.kubeVersion) {
        out.kubeVersion = this.overrides.kubeVersion;
        out.kubeVersionSource = "stated";
      } else {
        try {
          out.kubeVersion = (await this.kc.makeApiClient(k8s.VersionApi).getCode()).gitVersion;
          out.kubeVersionSource = "the API server's /version";
        } catch { /* left undefined: resolution says it could not be determined */ }
      }
      if (this.overrides.ksVersion) {
        out.ksVersion = this.overrides.ksVersion;
        out.ksVersionSource = "stated";
        return out;
      }
      const kapis = await this.getJson("/kapis/version").catch(() => undefined) as { gitVersion?: string } | undefined;
      if (kapis?.gitVersion) {
        out.ksVersion = kapis.gitVersion;
        out.ksVersionSource = "ks-apiserver /kapis/version";
        return out;
      }
      const host = (await this.clusters().catch(() => [] as Cluster[])).find(isHostCluster);
      if (host?.status?.kubeSphereVersion) {
        out.ksVersion = host.status.kubeSphereVersion;
        out.ksVersionSource = `Cluster ${host.metadata.name} status.kubeSphereVersion`;
        return out;
      }
      try {
        const dep = await this.kc.makeApiClient(k8s.AppsV1Api)
          .readNamespacedDeployment({ name: "ks-controller-manager", namespace: "kubesphere-system" });
        const image = dep.spec?.template.spec?.containers[0]?.image ?? "";
        const tag = image.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : "";
        if (/^v?\d+\.\d+/.test(tag)) {
          out.ksVersion = tag;
          out.ksVersionSource = "the ks-controller-manager image tag";
        }
      } catch { /* not readable */ }
      return out;
    });
  }

  /** GET a raw path on the current cluster with the client's auth and TLS. */
  private async getJson(path: string): Promise<unknown> {
    const cluster = this.kc.getCurrentCluster()!;
    const url = new URL(path, cluster.server.endsWith("/") ? cluster.server : cluster.server + "/");
    const opts: https.RequestOptions = { method: "GET", headers: { Accept: "application/json" }, timeout: 10_000 };
    await this.kc.applyToHTTPSOptions(opts);
    const mod = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, opts, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => {
          if ((res.statusCode ?? 500) >= 300) return reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
          try { resolve(JSON.parse(body)); } catch (e) { reject(e); }
        });
      });
      req.on("timeout", () => req.destroy(new Error(`GET ${path}: timed out`)));
      req.on("error", reject);
      req.end();
    });
  }
}
