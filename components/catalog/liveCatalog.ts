/**
 * A catalog read from the live cluster with `@kubernetes/client-node` (kubeconfig, contexts, auth
 * and TLS handled by the client, never by hand), over the bounded requests of `components/kube/`.
 * Each kind is LISTed at most once per instance; the component's run cache hands every component of
 * one program run the same instance, so a program with N extensions makes one LIST per kind, not N
 * GETs. There is no process-wide cache: a second run in the same process reads the cluster again.
 */
import * as k8s from "@kubernetes/client-node";
import type { Catalog, HostVersions, InvalidCatalogObject } from "./catalog";
import { validateCatalogObjects } from "./validate";
import type { Category, Cluster, Extension, ExtensionVersion, InstallPlan, Repository } from "../kubesphere/types";
import { isHostCluster } from "../kubesphere/clusters";
import { KubeClient, KubeClientOptions } from "../kube/client";
import { KubeApiError } from "../kube/errors";
import { loadKubeConfig } from "../kube/kubeconfig";

/** Kubeconfig loading lives in the Kubernetes layer; re-exported here for the package's public API. */
export { loadKubeConfig };

/** How to reach the cluster. The kubeconfig text is a secret: it is never logged or returned. */
export interface LiveCatalogOptions extends KubeClientOptions {
  /** Kubeconfig YAML text. Unset: the default loading rules (`KUBECONFIG`, `~/.kube/config`, in-cluster). */
  kubeconfig?: string;
  /** Context to use instead of the kubeconfig's current context. */
  context?: string;
  /** How messages name the kubeconfig text (e.g. `--kubeconfig ./dev.yaml`); never its content. */
  kubeconfigSource?: string;
  /** Overrides the discovered KubeSphere version. */
  ksVersion?: string;
  /** Overrides the discovered Kubernetes version. */
  kubeVersion?: string;
}

/** Cap of the small version documents read at preview (`/version`, `/kapis/version`): 1 MiB. */
const VERSION_DOC_MAX_BYTES = 1024 * 1024;

/** A `Catalog` over the live cluster. */
export class LiveCatalog implements Catalog {
  readonly description: string;
  private readonly client: KubeClient;
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly invalid: InvalidCatalogObject[] = [];
  private readonly overrides: { ksVersion?: string; kubeVersion?: string };

  /** @param opts kubeconfig (never quoted in messages), context, version overrides and request bounds. */
  constructor(opts: LiveCatalogOptions = {}) {
    this.client = new KubeClient(loadKubeConfig(opts), opts);
    this.overrides = { ksVersion: opts.ksVersion, kubeVersion: opts.kubeVersion };
    this.description = `the cluster at ${this.client.server} (context ${this.client.kc.getCurrentContext()})`;
  }

  /** The KubeConfig in use (for the readiness waiter and the CLI). */
  get kubeConfig(): k8s.KubeConfig {
    return this.client.kc;
  }

  /** The bounded API access in use (shared with the CLI's live reads). */
  get kubeClient(): KubeClient {
    return this.client;
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

  private list<T>(group: string, plural: string, kind: string, optional = false): Promise<T[]> {
    return this.once(`${group}/${plural}`, async () => {
      let items: unknown[];
      try {
        const res = await this.client.getJson<{ items?: unknown[] }>(`/apis/${group}/v1alpha1/${plural}`, { operation: `LIST ${plural}.${group}` });
        items = res.items ?? [];
      } catch (e) {
        const err = e as KubeApiError;
        if (optional && err.kind === "notFound") return [];
        if (err.kind === "notFound") {
          throw new Error(`${this.description} does not serve ${plural}.${group}: is KubeSphere 4.x installed? (${err.detail})`);
        }
        if (err.kind === "unauthorized" || err.kind === "forbidden") {
          throw new Error(`cannot list ${plural}.${group} on ${this.description}: ${err.message}; the identity needs list access to it`);
        }
        throw new Error(`cannot list ${plural}.${group} on ${this.description}: ${err.message}`);
      }
      // Malformed objects are set aside here, so every reader sees well-formed objects only.
      const { valid, invalid } = validateCatalogObjects<T>(items, this.description, kind);
      this.invalid.push(...invalid);
      return valid;
    });
  }

  extensionVersions(): Promise<ExtensionVersion[]> { return this.list("kubesphere.io", "extensionversions", "ExtensionVersion"); }
  extensions(): Promise<Extension[]> { return this.list("kubesphere.io", "extensions", "Extension"); }
  categories(): Promise<Category[]> { return this.list("kubesphere.io", "categories", "Category", true); }
  repositories(): Promise<Repository[]> { return this.list("kubesphere.io", "repositories", "Repository", true); }
  /** Cluster objects; a KubeSphere without multicluster support serves none (then only the host exists). */
  clusters(): Promise<Cluster[]> { return this.list("cluster.kubesphere.io", "clusters", "Cluster", true); }
  installPlans(): Promise<InstallPlan[]> { return this.list("kubesphere.io", "installplans", "InstallPlan"); }
  /** Objects the LISTs returned that were malformed (complete once every list was read). */
  async invalidObjects(): Promise<InvalidCatalogObject[]> { return [...this.invalid]; }

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
          out.kubeVersion = (await this.client.getJson<{ gitVersion?: string }>("/version", { maxBytes: VERSION_DOC_MAX_BYTES })).gitVersion;
          out.kubeVersionSource = "the API server's /version";
        } catch { /* left undefined: resolution says it could not be determined */ }
      }
      if (this.overrides.ksVersion) {
        out.ksVersion = this.overrides.ksVersion;
        out.ksVersionSource = "stated";
        return out;
      }
      const kapis = await this.client.getJson<{ gitVersion?: string }>("/kapis/version", { maxBytes: VERSION_DOC_MAX_BYTES }).catch(() => undefined);
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
        const apps = this.client.kc.makeApiClient(k8s.AppsV1Api);
        const dep = await this.client.call("GET deployments/ks-controller-manager -n kubesphere-system", (o) =>
          apps.readNamespacedDeployment({ name: "ks-controller-manager", namespace: "kubesphere-system" }, o));
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
}
