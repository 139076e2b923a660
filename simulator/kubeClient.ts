/**
 * The narrow, asynchronous Kubernetes client the controller simulator is written against, with
 * two implementations:
 *
 * - {@link StoreKubeClient}: direct calls into an in-process {@link ObjectStore} (deterministic;
 *   watch events are delivered synchronously during the write that caused them);
 * - {@link HttpKubeClient}: any Kubernetes API endpoint (a real kube-apiserver or the
 *   {@link FakeKubeApiServer}) through a KubeConfig: REST calls with `node:http(s)` configured by
 *   `KubeConfig.applyToHTTPSOptions`, watches with client-node's `Watch`, re-listing on 410.
 *
 * Objects stay plain JSON (no client-node model classes), so timestamps remain strings.
 */
import * as http from "node:http";
import * as https from "node:https";
import type * as k8sTypes from "@kubernetes/client-node";
import { ApiError, statusError, reasonForCode, type KubeStatus } from "./errors";
import { apiVersionOf, resourceType, type ResourceType } from "./resources";
import type { KubeObject, ObjectStore } from "./store";

/** A change delivered to a client watch. */
export interface ClientWatchEvent {
  /** Change type. */
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** The object after the change (its last state for DELETED). */
  object: KubeObject;
}

/** The operations the simulator needs. Errors are {@link ApiError}s (`code` 404, 409, ...). */
export interface SimKubeClient {
  /** The object, or `undefined` when it does not exist. */
  get(type: string, name: string, namespace?: string): Promise<KubeObject | undefined>;
  /** Objects of a type (all namespaces unless given). */
  list(type: string, opts?: { namespace?: string; labelSelector?: string }): Promise<KubeObject[]>;
  /** Creates an object. */
  create(type: string, obj: KubeObject): Promise<KubeObject>;
  /** Replaces an object (resourceVersion precondition). */
  update(type: string, obj: KubeObject): Promise<KubeObject>;
  /** Replaces the status subresource (Jobs, Pods). */
  updateStatus(type: string, obj: KubeObject): Promise<KubeObject>;
  /** JSON merge patch. */
  mergePatch(type: string, name: string, namespace: string | undefined, patch: unknown): Promise<KubeObject>;
  /** Deletes (background propagation); a missing object is not an error. */
  delete(type: string, name: string, namespace?: string): Promise<void>;
  /** Watches a type from now on (after the current state was delivered as ADDED). Returns a stop function. */
  watch(type: string, handler: (event: ClientWatchEvent) => void): Promise<() => void>;
}

/** {@link SimKubeClient} over an in-process store. */
export class StoreKubeClient implements SimKubeClient {
  /** @param store the store to operate on. */
  constructor(private readonly store: ObjectStore) {}

  /** @inheritdoc */
  async get(type: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    return this.store.get(type, name, namespace);
  }

  /** @inheritdoc */
  async list(type: string, opts: { namespace?: string; labelSelector?: string } = {}): Promise<KubeObject[]> {
    return this.store.list(type, opts).items;
  }

  /** @inheritdoc */
  async create(type: string, obj: KubeObject): Promise<KubeObject> {
    return this.store.create(type, obj);
  }

  /** @inheritdoc */
  async update(type: string, obj: KubeObject): Promise<KubeObject> {
    return this.store.update(type, obj);
  }

  /** @inheritdoc */
  async updateStatus(type: string, obj: KubeObject): Promise<KubeObject> {
    return this.store.update(type, obj, { subresource: "status" });
  }

  /** @inheritdoc */
  async mergePatch(type: string, name: string, namespace: string | undefined, patch: unknown): Promise<KubeObject> {
    return this.store.patch(type, name, namespace, "merge", patch);
  }

  /** @inheritdoc */
  async delete(type: string, name: string, namespace?: string): Promise<void> {
    try {
      this.store.delete(type, name, namespace, { propagationPolicy: "Background" });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }

  /** @inheritdoc */
  async watch(type: string, handler: (event: ClientWatchEvent) => void): Promise<() => void> {
    const w = this.store.watch(type, {}, (e) => handler(e));
    return () => w.stop();
  }
}

function pathFor(t: ResourceType, namespace?: string, name?: string, sub?: string): string {
  const base = t.group === "" ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  const ns = t.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${t.plural}${name ? `/${encodeURIComponent(name)}` : ""}${sub ? `/${sub}` : ""}`;
}

/** {@link SimKubeClient} over HTTP(S) for any API server reachable through a KubeConfig. */
export class HttpKubeClient implements SimKubeClient {
  private readonly k8s: typeof k8sTypes;

  /**
   * @param kc the KubeConfig (its current context is used).
   * @param k8sModule the `@kubernetes/client-node` module (passed in so this file stays loadable
   *   without it in the in-process mode).
   */
  constructor(private readonly kc: k8sTypes.KubeConfig, k8sModule: typeof k8sTypes) {
    this.k8s = k8sModule;
  }

  private async request(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<unknown> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error("simulator: the kubeconfig has no current cluster");
    const url = new URL(cluster.server + path);
    const opts: https.RequestOptions = { method, headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    opts.headers = { ...(opts.headers as Record<string, string>), Accept: "application/json" };
    if (payload !== undefined) Object.assign(opts.headers, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) });
    const transport = url.protocol === "http:" ? http : https;
    return new Promise((resolve, reject) => {
      const req = transport.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown;
          try {
            parsed = text === "" ? undefined : JSON.parse(text);
          } catch {
            parsed = text;
          }
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) return resolve(parsed);
          const st = parsed as KubeStatus | undefined;
          if (st && typeof st === "object" && st.kind === "Status") return reject(new ApiError({ ...st, code }));
          reject(statusError(code, reasonForCode(code), `${method} ${path}: HTTP ${code}: ${text.slice(0, 300)}`));
        });
      });
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** @inheritdoc */
  async get(type: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    try {
      return (await this.request("GET", pathFor(resourceType(type), namespace, name))) as KubeObject;
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  /** @inheritdoc */
  async list(type: string, opts: { namespace?: string; labelSelector?: string } = {}): Promise<KubeObject[]> {
    const t = resourceType(type);
    const q = opts.labelSelector ? `?labelSelector=${encodeURIComponent(opts.labelSelector)}` : "";
    const list = (await this.request("GET", pathFor(t, opts.namespace) + q)) as { items?: KubeObject[] };
    return (list.items ?? []).map((o) => ({ ...o, apiVersion: apiVersionOf(t), kind: t.kind }));
  }

  /** @inheritdoc */
  async create(type: string, obj: KubeObject): Promise<KubeObject> {
    const t = resourceType(type);
    return (await this.request("POST", pathFor(t, obj.metadata.namespace), obj)) as KubeObject;
  }

  /** @inheritdoc */
  async update(type: string, obj: KubeObject): Promise<KubeObject> {
    const t = resourceType(type);
    return (await this.request("PUT", pathFor(t, obj.metadata.namespace, obj.metadata.name), obj)) as KubeObject;
  }

  /** @inheritdoc */
  async updateStatus(type: string, obj: KubeObject): Promise<KubeObject> {
    const t = resourceType(type);
    return (await this.request("PUT", pathFor(t, obj.metadata.namespace, obj.metadata.name, "status"), obj)) as KubeObject;
  }

  /** @inheritdoc */
  async mergePatch(type: string, name: string, namespace: string | undefined, patch: unknown): Promise<KubeObject> {
    return (await this.request("PATCH", pathFor(resourceType(type), namespace, name), patch, "application/merge-patch+json")) as KubeObject;
  }

  /** @inheritdoc */
  async delete(type: string, name: string, namespace?: string): Promise<void> {
    try {
      await this.request("DELETE", pathFor(resourceType(type), namespace, name), { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  }

  /**
   * Watches with client-node's `Watch`, starting with a LIST (delivered as ADDED) and resuming
   * from the last seen resourceVersion after a dropped stream; re-lists after 410 Expired.
   */
  async watch(type: string, handler: (event: ClientWatchEvent) => void): Promise<() => void> {
    const t = resourceType(type);
    const watcher = new this.k8s.Watch(this.kc);
    let stopped = false;
    let abort: AbortController | undefined;
    let rv = "";
    const relist = async (): Promise<void> => {
      const list = (await this.request("GET", pathFor(t))) as { metadata?: { resourceVersion?: string }; items?: KubeObject[] };
      for (const o of list.items ?? []) handler({ type: "ADDED", object: { ...o, apiVersion: apiVersionOf(t), kind: t.kind } });
      rv = list.metadata?.resourceVersion ?? "";
    };
    const start = async (): Promise<void> => {
      if (stopped) return;
      let expired = false;
      abort = await watcher.watch(pathFor(t), { resourceVersion: rv, allowWatchBookmarks: true }, (evType, obj) => {
        const o = obj as KubeObject;
        if (evType === "ERROR") {
          expired = (o as unknown as KubeStatus).code === 410;
          return;
        }
        if (o?.metadata?.resourceVersion) rv = o.metadata.resourceVersion;
        if (evType === "ADDED" || evType === "MODIFIED" || evType === "DELETED") handler({ type: evType, object: o });
      }, () => {
        if (stopped) return;
        const again = async (): Promise<void> => {
          try {
            if (expired) await relist();
            await start();
          } catch {
            setTimeout(() => void again(), 1000);
          }
        };
        // Not unref()ed: between two watch streams this timer is all that keeps the process alive (when
        // every watch ends at once — client-node ends idle ones after 30 s — the simulator would exit).
        setTimeout(() => void again(), expired ? 0 : 200);
      });
    };
    await relist();
    await start();
    return () => {
      stopped = true;
      abort?.abort();
    };
  }
}
