/**
 * One client per kubeconfig for everything that talks to a cluster: typed clients whose every
 * request carries a deadline, raw reads with a deadline and a size cap, and watches with a
 * connect/idle bound. Bounds are documented in docs/readiness.md "Timeouts".
 */
import * as crypto from "crypto";
import * as http from "http";
import * as https from "https";
import * as k8s from "@kubernetes/client-node";
import { KubeApiError, kindOfStatus, parseStatus, toKubeApiError } from "./errors";
import { KubeconfigInput, loadKubeConfig } from "./kubeconfig";

/** Default deadline of one non-watch request (connect, TLS, headers and body): 15 s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** Default bound on a watch without a byte (event or bookmark), its connection included: 30 s. */
export const DEFAULT_WATCH_IDLE_MS = 30_000;
/** Default cap of a raw read's body: 32 MiB (a LIST of every InstallPlan of a large cluster fits easily). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Request bounds of a {@link KubeClient}. */
export interface KubeClientOptions {
  /** Deadline of each non-watch request. Defaults to {@link DEFAULT_REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number;
  /** Watch connect and inactivity bound. Defaults to {@link DEFAULT_WATCH_IDLE_MS}. */
  watchIdleMs?: number;
}

/** A raw response. */
export interface RawResponse {
  /** HTTP status. */
  status: number;
  /** `Content-Type` header. */
  contentType: string;
  /** Body text (at most the cap). */
  text: string;
}

/** A running watch stream. */
export interface WatchStream {
  /** Resolves when the stream ends: `undefined` for a clean end or an idle close, else the error. */
  readonly ended: Promise<KubeApiError | undefined>;
  /** Stops it (idempotent). */
  stop(): void;
}

/** Kubernetes API access for one kubeconfig/context, with bounded requests. */
export class KubeClient {
  /** The loaded kubeconfig. */
  readonly kc: k8s.KubeConfig;
  /** API server URL of the current context. */
  readonly server: string;
  /** Deadline of each non-watch request, ms. */
  readonly requestTimeoutMs: number;
  /** Watch connect/idle bound, ms. */
  readonly watchIdleMs: number;
  /** Typed clients; pass {@link options} to every call. */
  readonly custom: k8s.CustomObjectsApi;
  /** Core v1. */
  readonly core: k8s.CoreV1Api;
  /** batch/v1. */
  readonly batch: k8s.BatchV1Api;

  /** @param kc a loaded kubeconfig (see `loadKubeConfig`); @param opts request bounds. */
  constructor(kc: k8s.KubeConfig, opts: KubeClientOptions = {}) {
    this.kc = kc;
    this.server = kc.getCurrentCluster()?.server ?? "";
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.watchIdleMs = opts.watchIdleMs ?? DEFAULT_WATCH_IDLE_MS;
    this.custom = kc.makeApiClient(k8s.CustomObjectsApi);
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    this.batch = kc.makeApiClient(k8s.BatchV1Api);
  }

  /** Loads the kubeconfig (see `loadKubeConfig`, which never quotes its content) and builds a client. */
  static load(input: KubeconfigInput = {}, opts: KubeClientOptions = {}): KubeClient {
    return new KubeClient(loadKubeConfig(input), opts);
  }

  /**
   * Identity for sharing watches: the same server, user and context give the same key. A hash, so
   * the credentials are not kept as a map key.
   */
  get identity(): string {
    return crypto.createHash("sha256")
      .update(JSON.stringify([this.server, this.kc.getCurrentContext(), this.kc.getCurrentUser() ?? null, this.kc.getCurrentCluster() ?? null]))
      .digest("hex");
  }

  /** Per-call options of the typed clients: an AbortSignal deadline (client-node 2.x sets none). */
  options(extra?: k8s.ConfigurationOptions): k8s.ConfigurationOptions {
    const timeoutMs = this.requestTimeoutMs;
    const middleware = [{
      pre: (ctx: k8s.RequestContext) => {
        ctx.setSignal(AbortSignal.timeout(timeoutMs));
        return new k8s.Observable(Promise.resolve(ctx));
      },
      post: (ctx: k8s.ResponseContext) => new k8s.Observable(Promise.resolve(ctx)),
    }];
    return { ...(extra ?? {}), middleware: [...((extra?.middleware as typeof middleware | undefined) ?? []), ...middleware], middlewareMergeStrategy: "append" };
  }

  /** Runs a typed call with the deadline, turning failures into {@link KubeApiError}s naming the server. */
  async call<T>(operation: string, fn: (options: k8s.ConfigurationOptions) => Promise<T>): Promise<T> {
    try {
      return await fn(this.options());
    } catch (e) {
      throw toKubeApiError(operation, this.server, e, this.requestTimeoutMs);
    }
  }

  /** Like {@link call}, but `undefined` on 404. */
  async callOrUndefined<T>(operation: string, fn: (options: k8s.ConfigurationOptions) => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call(operation, fn);
    } catch (e) {
      if ((e as KubeApiError).kind === "notFound") return undefined;
      throw e;
    }
  }

  /**
   * GET a path with the kubeconfig's auth and TLS, bounded by the request deadline and `maxBytes`
   * (the body is cut there; `getJson` then reports the cap). Network failures, timeouts and an
   * answer cut short by the server reject with a {@link KubeApiError}; HTTP errors resolve.
   */
  async getRaw(path: string, opts: { accept?: string; maxBytes?: number; operation?: string } = {}): Promise<RawResponse> {
    const operation = opts.operation ?? `GET ${path}`;
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
    const url = new URL(path, this.server.endsWith("/") ? this.server : this.server + "/");
    const reqOpts: https.RequestOptions = { method: "GET", headers: { Accept: opts.accept ?? "application/json" } };
    try {
      await this.kc.applyToHTTPSOptions(reqOpts);
    } catch (e) {
      throw toKubeApiError(operation, this.server, e);
    }
    const mod = url.protocol === "https:" ? https : http;
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      const finish = (err?: KubeApiError, res?: RawResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (err) reject(err);
        else resolve(res!);
      };
      const req = mod.request(url, reqOpts, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          if (size >= maxBytes) return;
          chunks.push(c);
          size += c.length;
          if (size >= maxBytes) res.destroy(); // cap reached: stop reading
        });
        const done = () => (!res.complete && size < maxBytes
          ? finish(new KubeApiError(operation, this.server, "unreachable", "the connection closed before the answer was complete"))
          : finish(undefined, {
          status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""),
          text: Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8"),
        }));
        res.on("end", done);
        res.on("close", done);
        res.on("error", (e) => (size >= maxBytes ? done() : finish(toKubeApiError(operation, this.server, e, this.requestTimeoutMs))));
      });
      // One deadline for connect, TLS, headers and body.
      const deadline = setTimeout(() => {
        req.destroy();
        finish(new KubeApiError(operation, this.server, "timeout", `no answer within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      req.on("error", (e) => finish(toKubeApiError(operation, this.server, e, this.requestTimeoutMs)));
      req.end();
    });
  }

  /** GET a JSON path; non-2xx answers reject with a {@link KubeApiError} (Status message and reason). */
  async getJson<T>(path: string, opts: { maxBytes?: number; operation?: string } = {}): Promise<T> {
    const operation = opts.operation ?? `GET ${path}`;
    const res = await this.getRaw(path, { ...opts, operation });
    if (res.status < 200 || res.status >= 300) throw httpError(operation, this.server, res);
    try {
      return JSON.parse(res.text) as T;
    } catch {
      throw new KubeApiError(operation, this.server, "other", `the answer is not JSON (Content-Type ${res.contentType || "none"}, ${res.text.length} bytes${res.text.length >= (opts.maxBytes ?? DEFAULT_MAX_BODY_BYTES) ? ", cut at the size cap" : ""})`);
    }
  }

  /**
   * WATCH `path` from `resourceVersion` with bookmarks. A stream with no byte for
   * {@link watchIdleMs} (connection included) is closed and reported as a clean end, so the caller
   * re-establishes it.
   */
  async watch(path: string, query: Record<string, string | number | boolean | undefined>, onEvent: (type: string, obj: unknown) => void): Promise<WatchStream> {
    const watcher = new k8s.Watch(this.kc);
    (watcher as unknown as { requestTimeoutMs: number }).requestTimeoutMs = this.watchIdleMs;
    let resolveEnded!: (v: KubeApiError | undefined) => void;
    const ended = new Promise<KubeApiError | undefined>((r) => { resolveEnded = r; });
    let stopped = false;
    const operation = `WATCH ${path}`;
    const controller = await watcher.watch(path, query, (type: string, obj: unknown) => { if (!stopped) onEvent(type, obj); },
      (err: unknown) => {
        if (err == null || stopped) return resolveEnded(undefined);
        // Idle bound reached: an ordinary end of a quiet stream, resumed by the caller.
        if ((err as { name?: string }).name === "TimeoutError") return resolveEnded(undefined);
        resolveEnded(toKubeApiError(operation, this.server, err, this.watchIdleMs));
      });
    return {
      ended,
      stop() {
        if (stopped) return;
        stopped = true;
        controller.abort();
        resolveEnded(undefined);
      },
    };
  }
}

/** A {@link KubeApiError} for a non-2xx raw answer. */
export function httpError(operation: string, server: string, res: RawResponse): KubeApiError {
  const status = parseStatus(res.text);
  const detail = status?.message ?? (res.text.trim() === "" ? "(empty answer)" : res.text.trim().slice(0, 300));
  return new KubeApiError(operation, server, kindOfStatus(res.status), detail, res.status, status?.reason);
}
