/**
 * An in-memory Kubernetes API server over plain HTTP on loopback, for tests that must go through
 * the real `@kubernetes/client-node` client (CustomObjectsApi, CoreV1Api, BatchV1Api, VersionApi,
 * KubernetesObjectApi, `Watch`, `Log`) and for kubectl-like reads.
 *
 * Usage:
 * ```ts
 * import { FakeKubeApiServer, loadCatalogInto, kubeconfigFor } from "../../simulator";
 * const server = await FakeKubeApiServer.start();          // 127.0.0.1:<random port>
 * loadCatalogInto(server.store);                             // the shipped v4.1.3 catalog + clusters
 * const kc = new k8s.KubeConfig(); kc.loadFromString(kubeconfigFor(server));
 * const api = kc.makeApiClient(k8s.CustomObjectsApi);
 * await api.listClusterCustomObject({ group: "kubesphere.io", version: "v1alpha1", plural: "extensions" });
 * expect(server.countRequests({ verb: "list", resource: "extensions" })).to.equal(1);
 * server.injectFault({ match: { verb: "list", resource: "installplans" }, times: 2, action: { kind: "status", code: 503 } });
 * await server.close();
 * ```
 *
 * Served:
 * - `/version` (Kubernetes, configurable `gitVersion`) and `/kapis/version` (KubeSphere). In a
 *   real installation `/kapis/version` is served by ks-apiserver, a separate server; here both
 *   live on one port so that one kubeconfig reaches both. `kapisVersion: null` makes it 404.
 * - discovery (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`) with kubectl categories;
 * - every type in {@link RESOURCE_TYPES}: GET, LIST (labelSelector with `=`, `==`, `!=`, `in`,
 *   `notin`, exists, `!key`; fieldSelector `metadata.name`/`metadata.namespace`; `limit` +
 *   `continue`), `?watch=true` (ADDED/MODIFIED/DELETED, BOOKMARK with `allowWatchBookmarks`,
 *   `timeoutSeconds`, resumption from `resourceVersion`, 410 Expired as an ERROR event), POST,
 *   PUT, PATCH (`merge-patch+json`, `json-patch+json`; `apply-patch+yaml` is approximated as a
 *   merge patch that creates when missing; `strategic-merge-patch+json` is refused for custom
 *   resources with 415 and treated as a merge patch for built-in kinds), DELETE with
 *   DeleteOptions and finalizers, `/status` for kinds with a status subresource, `dryRun=All`;
 * - `pods/<name>/log` with `container` and `tailLines`: the text is the pod annotation
 *   `logs.simulator.kubesphere.io/<container>` (see {@link POD_LOG_ANNOTATION_PREFIX}).
 *
 * - Table output for kubectl (`Accept: ...;as=Table`): NAME plus the CRD printer columns (see
 *   `table.ts`), for GET, LIST and watch.
 *
 * Not served: OpenAPI (use kubectl `--validate=false`), `deletecollection`, protobuf, TLS
 * (loopback HTTP only; kubectl sends no bearer token over http, so start the server with
 * `token: null` for kubectl).
 *
 * Errors are real `Status` objects. Every request is recorded in {@link FakeKubeApiServer.requests}
 * (method, path, query, verb, resource; never headers). The store is reachable in-process as
 * {@link FakeKubeApiServer.store}.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as YAML from "yaml";
import type { Clock } from "./clock";
import { ApiError, badRequest, methodNotAllowed, reasonForCode, statusError, unsupportedMediaType } from "./errors";
import { HttpFaults, type FaultHandle, type FaultRule, type RequestRecord, type RequestVerb, matchesRequest, type RequestMatcher } from "./httpFaults";
import { applyMergePatch } from "./patch";
import { apiVersionOf, RESOURCE_TYPES, resourceTypeFor, type ResourceType } from "./resources";
import { ObjectStore, type KubeObject, type ObjectStoreOptions, type StoreWatch } from "./store";
import { toTable, wantsTable } from "./table";

/** Pod annotations with this prefix hold the container's log text (`logs.simulator.kubesphere.io/helm`). */
export const POD_LOG_ANNOTATION_PREFIX = "logs.simulator.kubesphere.io/";

/** Version info as `GET /version` returns it. */
export interface VersionInfo {
  /** Major version (`"1"`, `"4"`). */
  major: string;
  /** Minor version (`"30"`). */
  minor: string;
  /** Full version (`v1.30.4`, `v4.1.3`). */
  gitVersion: string;
  /** Commit the binary was built from (zeros here). */
  gitCommit: string;
  /** `clean` or `dirty`. */
  gitTreeState: string;
  /** Build time. */
  buildDate: string;
  /** Go version of the build. */
  goVersion: string;
  /** Go compiler (`gc`). */
  compiler: string;
  /** OS/architecture (`linux/amd64`). */
  platform: string;
  /** Extra fields (ks-apiserver adds `kubernetes`). */
  [k: string]: unknown;
}

/** Options of {@link FakeKubeApiServer.start}. */
export interface FakeKubeApiServerOptions extends ObjectStoreOptions {
  /** Use this store instead of creating one (the other store options are then ignored). */
  store?: ObjectStore;
  /** Kubernetes `gitVersion` served at `/version`. Defaults to `v1.30.4`. */
  kubernetesVersion?: string;
  /** KubeSphere `gitVersion` served at `/kapis/version`; `null` makes that path 404. Defaults to `v4.1.3`. */
  kapisVersion?: string | null;
  /**
   * Bearer token the server requires (`Authorization: Bearer <token>`); 401 otherwise. Defaults to
   * `sim-token`. `null` disables authentication.
   */
  token?: string | null;
  /** Interval of BOOKMARK events on watches that asked for them. Defaults to 5000 ms. */
  bookmarkIntervalMs?: number;
  /** Port to listen on (default 0 = any free port). */
  port?: number;
}

function versionInfo(gitVersion: string): VersionInfo {
  const m = /^v?(\d+)\.(\d+)/u.exec(gitVersion);
  return {
    major: m ? m[1] : "", minor: m ? m[2] : "", gitVersion,
    gitCommit: "0000000000000000000000000000000000000000", gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z", goVersion: "go1.24.4", compiler: "gc", platform: "linux/amd64",
  };
}

interface ParsedPath {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** An in-memory Kubernetes API server. Create with {@link FakeKubeApiServer.start}. */
export class FakeKubeApiServer {
  /** The object store (read and write it directly from tests). */
  readonly store: ObjectStore;
  /** Every request received, oldest first. */
  readonly requests: RequestRecord[] = [];
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Bearer token clients must send, or `null` when authentication is off. */
  readonly token: string | null;
  private readonly http: http.Server;
  private readonly faults = new HttpFaults();
  private readonly openWatches = new Set<{ res: http.ServerResponse; stop: () => void }>();
  private kubernetesVersion: string;
  private kapisVersion: string | null;
  private readonly bookmarkIntervalMs: number;

  private constructor(httpServer: http.Server, url: string, store: ObjectStore, options: FakeKubeApiServerOptions) {
    this.http = httpServer;
    this.url = url;
    this.store = store;
    this.token = options.token === undefined ? "sim-token" : options.token;
    this.kubernetesVersion = options.kubernetesVersion ?? "v1.30.4";
    this.kapisVersion = options.kapisVersion === undefined ? "v4.1.3" : options.kapisVersion;
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 5000;
  }

  /** Starts a server on 127.0.0.1 (port 0 unless given). */
  static async start(options: FakeKubeApiServerOptions = {}): Promise<FakeKubeApiServer> {
    const store = options.store ?? new ObjectStore(options);
    const httpServer = http.createServer();
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    const { port } = httpServer.address() as AddressInfo;
    const server = new FakeKubeApiServer(httpServer, `http://127.0.0.1:${port}`, store, options);
    httpServer.on("request", (req, res) => { void server.handle(req, res); });
    return server;
  }

  /** The clock of the store. */
  get clock(): Clock {
    return this.store.clock;
  }

  /** Changes the versions served at `/version` and `/kapis/version` (`null` = 404). */
  setVersions(versions: { kubernetes?: string; kubesphere?: string | null }): void {
    if (versions.kubernetes !== undefined) this.kubernetesVersion = versions.kubernetes;
    if (versions.kubesphere !== undefined) this.kapisVersion = versions.kubesphere;
  }

  /** Installs a fault rule; see {@link FaultRule}. */
  injectFault(rule: FaultRule): FaultHandle {
    return this.faults.inject(rule);
  }

  /** Removes every fault rule. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Number of recorded requests matching `matcher` (all requests when omitted). */
  countRequests(matcher?: RequestMatcher): number {
    return matcher === undefined ? this.requests.length : this.requests.filter((r) => matchesRequest(matcher, r)).length;
  }

  /** Forgets the recorded requests. */
  resetRequests(): void {
    this.requests.length = 0;
  }

  /** Number of watch streams currently open. */
  get openWatchCount(): number {
    return this.openWatches.size;
  }

  /** Sends a BOOKMARK with the current resourceVersion on every open watch that asked for bookmarks. */
  sendBookmarks(): void {
    for (const w of this.openWatches) (w.res as http.ServerResponse & { bookmark?: () => void }).bookmark?.();
  }

  /** Ends every open watch stream (clients see the connection close cleanly). */
  closeWatches(): void {
    for (const w of [...this.openWatches]) {
      w.stop();
      w.res.end();
    }
  }

  /** Closes watches and connections and stops listening. */
  async close(): Promise<void> {
    this.closeWatches();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ---------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => { query[k] = v; });
    const record: RequestRecord = { method: req.method ?? "GET", path: url.pathname, query, verb: "other" };
    if (req.headers["content-type"]) record.contentType = String(req.headers["content-type"]);
    let parsed: ParsedPath | undefined;
    try {
      parsed = this.describe(record);
    } catch {
      parsed = undefined;
    }
    this.requests.push(record);
    res.on("finish", () => { record.statusCode ??= res.statusCode; });

    try {
      if (this.token !== null && req.headers.authorization !== `Bearer ${this.token}`) {
        throw statusError(401, "Unauthorized", "Unauthorized");
      }
      const fault = this.faults.take(record);
      let dropWatch: Extract<FaultRule["action"], { kind: "dropWatch" }> | undefined;
      if (fault) {
        record.fault = fault.name ?? fault.action.kind;
        const a = fault.action;
        if (a.kind === "delay") await new Promise((r) => setTimeout(r, a.ms));
        else if (a.kind === "dropWatch") dropWatch = a;
        else {
          const code = a.code;
          let message = a.message;
          if (message === undefined && code === 409 && parsed) {
            message = `Operation cannot be fulfilled on ${parsed.type.group ? `${parsed.type.plural}.${parsed.type.group}` : parsed.type.plural} "${parsed.name ?? ""}": the object has been modified; please apply your changes to the latest version and try again`;
          }
          if (a.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(a.retryAfterSeconds));
          throw statusError(code, a.reason ?? reasonForCode(code), message ?? `simulated fault: ${reasonForCode(code)}`, a.retryAfterSeconds);
        }
      }
      const body = await readBody(req);
      await this.route(req, res, record, parsed, body, dropWatch);
    } catch (e) {
      this.sendError(res, e);
    }
  }

  private sendError(res: http.ServerResponse, e: unknown): void {
    const status = e instanceof ApiError
      ? e.status
      : statusError(500, "InternalError", `Internal error occurred: ${(e as Error)?.message ?? String(e)}`).status;
    if (res.headersSent) {
      res.end();
      return;
    }
    sendJson(res, status.code, status);
  }

  /** Fills verb/resource fields of the record and returns the resolved resource path, if any. */
  private describe(record: RequestRecord): ParsedPath | undefined {
    const seg = record.path.split("/").filter((s) => s !== "").map(decodeURIComponent);
    if (record.path === "/version" || record.path === "/kapis/version") {
      record.verb = "version";
      return undefined;
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (seg[0] === "api" && seg.length >= 2) {
      group = ""; version = seg[1]; rest = seg.slice(2);
    } else if (seg[0] === "apis" && seg.length >= 3) {
      group = seg[1]; version = seg[2]; rest = seg.slice(3);
    } else {
      if (seg[0] === "api" || seg[0] === "apis") record.verb = "discovery";
      return undefined;
    }
    if (rest.length === 0) {
      record.verb = "discovery";
      return undefined;
    }
    let namespace: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3) {
      const inner = resourceTypeFor(group, version, rest[2]);
      if (inner?.namespaced) {
        namespace = rest[1];
        rest = rest.slice(2);
      }
    }
    const type = resourceTypeFor(group, version, rest[0]);
    if (!type) return undefined;
    const name = rest[1];
    const subresource = rest[2];
    Object.assign(record, { group, resource: type.plural, namespace, name, subresource });
    const m = record.method;
    const watch = record.query.watch === "true" || record.query.watch === "1";
    let verb: RequestVerb = "other";
    if (subresource === "log") verb = "log";
    else if (m === "GET") verb = name === undefined ? (watch ? "watch" : "list") : "get";
    else if (m === "POST") verb = "create";
    else if (m === "PUT") verb = "update";
    else if (m === "PATCH") verb = "patch";
    else if (m === "DELETE") verb = "delete";
    record.verb = verb;
    return { type, namespace, name, subresource };
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, record: RequestRecord, parsed: ParsedPath | undefined, body: string, dropWatch?: Extract<FaultRule["action"], { kind: "dropWatch" }>): Promise<void> {
    const p = record.path;
    if (p === "/version") return sendJson(res, 200, versionInfo(this.kubernetesVersion));
    if (p === "/kapis/version") {
      if (this.kapisVersion === null) throw statusError(404, "NotFound", "the server could not find the requested resource");
      return sendJson(res, 200, { ...versionInfo(this.kapisVersion), kubernetes: versionInfo(this.kubernetesVersion) });
    }
    if (p === "/healthz" || p === "/readyz" || p === "/livez") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      return;
    }
    if (record.verb === "discovery") return this.discovery(res, p);
    if (!parsed) throw statusError(404, "NotFound", "the server could not find the requested resource");
    const { type, name, subresource } = parsed;
    const namespace = parsed.namespace;
    const dryRun = record.query.dryRun === "All";
    const store = this.store;

    if (subresource !== undefined && subresource !== "status" && subresource !== "log") {
      throw statusError(404, "NotFound", "the server could not find the requested resource");
    }
    if (subresource === "log") {
      if (type.plural !== "pods" || req.method !== "GET" || !name) throw methodNotAllowed("log is only readable for pods");
      return this.podLog(res, store.mustGet(type, name, namespace), record.query);
    }

    const table = wantsTable(req.headers.accept);
    const includeObject = record.query.includeObject ?? "Metadata";
    switch (record.verb) {
      case "get": {
        const obj = store.mustGet(type, name!, namespace);
        return sendJson(res, 200, table ? toTable(type, [obj], String(obj.metadata.resourceVersion), includeObject, this.clock.now()) : obj);
      }
      case "list": {
        const result = store.list(type, {
          namespace, labelSelector: record.query.labelSelector, fieldSelector: record.query.fieldSelector,
          limit: record.query.limit ? Number(record.query.limit) : undefined, continue: record.query.continue,
        });
        const metadata: Record<string, string> = { resourceVersion: result.resourceVersion };
        if (result.continue) metadata.continue = result.continue;
        if (table) return sendJson(res, 200, { ...toTable(type, result.items, result.resourceVersion, includeObject, this.clock.now()), metadata });
        return sendJson(res, 200, { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata, items: result.items });
      }
      case "watch":
        return this.watch(res, type, namespace, record.query, dropWatch, table);
      case "create": {
        if (name !== undefined) throw methodNotAllowed(`POST is not supported on a named ${type.kind}`);
        const obj = parseJson(body) as KubeObject;
        if (type.namespaced) {
          obj.metadata ??= { name: "" };
          if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
            throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
          }
          obj.metadata.namespace = namespace;
        }
        return sendJson(res, 201, store.create(type, obj, { dryRun }));
      }
      case "update": {
        if (name === undefined) throw methodNotAllowed(`PUT needs an object name (${type.plural})`);
        const obj = parseJson(body) as KubeObject;
        if (obj?.metadata?.name !== name) {
          throw badRequest(`the name of the object (${String(obj?.metadata?.name)}) does not match the name on the URL (${name})`);
        }
        if (type.namespaced) obj.metadata.namespace = namespace;
        return sendJson(res, 200, store.update(type, obj, { dryRun, subresource: subresource === "status" ? "status" : undefined }));
      }
      case "patch": {
        if (name === undefined) throw methodNotAllowed(`PATCH needs an object name (${type.plural})`);
        // Server-side apply of a missing object creates it (201).
        const existed = store.get(type, name!, namespace) !== undefined;
        return sendJson(res, existed ? 200 : 201, this.patch(type, name!, namespace, String(req.headers["content-type"] ?? ""), body, dryRun, subresource));
      }
      case "delete": {
        if (name === undefined) throw methodNotAllowed(`deletecollection of ${type.plural} is not supported by the simulator`);
        const opts = body.trim() === "" ? {} : (parseJson(body) as Record<string, unknown>);
        const propagationPolicy = (opts.propagationPolicy ?? record.query.propagationPolicy) as "Background" | "Foreground" | "Orphan" | undefined;
        const deleted = store.delete(type, name!, namespace, {
          dryRun: dryRun || (Array.isArray(opts.dryRun) && opts.dryRun.includes("All")),
          propagationPolicy,
          preconditions: opts.preconditions as { uid?: string; resourceVersion?: string } | undefined,
        });
        return sendJson(res, 200, deleted);
      }
      default:
        throw methodNotAllowed(`${req.method} is not supported on ${p}`);
    }
  }

  private patch(type: ResourceType, name: string, namespace: string | undefined, contentType: string, body: string, dryRun: boolean, subresource?: string): KubeObject {
    const ct = contentType.split(";")[0].trim();
    const sub = subresource === "status" ? "status" as const : undefined;
    const builtIn = type.group === "" || type.group === "batch";
    switch (ct) {
      case "application/merge-patch+json":
        return this.store.patch(type, name, namespace, "merge", parseJson(body), { dryRun, subresource: sub });
      case "application/json-patch+json":
        return this.store.patch(type, name, namespace, "json", parseJson(body), { dryRun, subresource: sub });
      case "application/strategic-merge-patch+json":
        if (!builtIn) throw unsupportedMediaType(ct);
        return this.store.patch(type, name, namespace, "merge", parseJson(body), { dryRun, subresource: sub });
      case "application/apply-patch+yaml": {
        let applied: KubeObject;
        try {
          applied = YAML.parse(body) as KubeObject;
        } catch (e) {
          throw badRequest(`error decoding YAML: ${(e as Error).message}`);
        }
        const existing = this.store.get(type, name, namespace);
        if (!existing) {
          applied.metadata = { ...(applied.metadata ?? {}), name, ...(type.namespaced ? { namespace } : {}) };
          return this.store.create(type, applied, { dryRun });
        }
        const merged = applyMergePatch(existing, applied) as KubeObject;
        return this.store.update(type, { ...merged, metadata: { ...merged.metadata, resourceVersion: existing.metadata.resourceVersion } }, { dryRun, subresource: sub });
      }
      default:
        throw unsupportedMediaType(ct || "<none>");
    }
  }

  private podLog(res: http.ServerResponse, pod: KubeObject, query: Record<string, string>): void {
    const spec = (pod.spec ?? {}) as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }> };
    const names = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name);
    let container = query.container;
    if (!container) {
      if ((spec.containers ?? []).length !== 1) {
        throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]`);
      }
      container = spec.containers![0].name;
    }
    if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === "Pending" || phase === undefined) {
      throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
    }
    let text = pod.metadata.annotations?.[`${POD_LOG_ANNOTATION_PREFIX}${container}`] ?? "";
    if (query.tailLines !== undefined) {
      const n = Number(query.tailLines);
      if (!Number.isInteger(n) || n < 0) throw badRequest(`tailLines: Invalid value: ${query.tailLines}`);
      const lines = text.split("\n");
      const trailing = text.endsWith("\n");
      if (trailing) lines.pop();
      text = n === 0 ? "" : lines.slice(-n).join("\n") + (trailing && lines.length > 0 ? "\n" : "");
    }
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(text);
  }

  private watch(res: http.ServerResponse, type: ResourceType, namespace: string | undefined, query: Record<string, string>, drop?: Extract<FaultRule["action"], { kind: "dropWatch" }>, table = false): void {
    let sent = 0;
    let stopped = false;
    let storeWatch: StoreWatch | undefined;
    const timers: NodeJS.Timeout[] = [];
    const entry = { res, stop: (): void => undefined };
    const finish = (mode: "end" | "reset" = "end"): void => {
      if (stopped) return;
      stopped = true;
      storeWatch?.stop();
      timers.forEach((t) => clearTimeout(t));
      this.openWatches.delete(entry);
      // A reset still lets the events already written reach the client, then kills the socket
      // without the terminating chunk (the client sees a broken stream, not a clean end).
      if (mode === "reset") res.write("\n", () => res.socket?.destroy());
      else res.end();
    };
    entry.stop = () => {
      stopped = true;
      storeWatch?.stop();
      timers.forEach((t) => clearTimeout(t));
      this.openWatches.delete(entry);
    };
    const write = (line: unknown): void => {
      if (stopped) return;
      res.write(`${JSON.stringify(line)}\n`);
      sent++;
      if (drop && drop.afterEvents !== undefined && sent >= drop.afterEvents) finish(drop.mode);
    };
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache" });
    res.flushHeaders();
    this.openWatches.add(entry);
    res.on("close", () => entry.stop());
    if (drop && (drop.afterEvents ?? 0) === 0 && drop.afterMs === undefined) {
      finish(drop.mode);
      return;
    }
    try {
      storeWatch = this.store.watch(type, {
        namespace, labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, resourceVersion: query.resourceVersion,
      }, (event) => write(table
        ? { type: event.type, object: toTable(type, [event.object], String(event.object.metadata.resourceVersion), query.includeObject ?? "Metadata", this.clock.now()) }
        : event));
    } catch (e) {
      if (e instanceof ApiError) {
        res.write(`${JSON.stringify({ type: "ERROR", object: e.status })}\n`);
        finish();
        return;
      }
      throw e;
    }
    if (query.allowWatchBookmarks === "true") {
      const bookmark = (): void => {
        if (stopped) return;
        res.write(`${JSON.stringify({ type: "BOOKMARK", object: { kind: type.kind, apiVersion: apiVersionOf(type), metadata: { resourceVersion: this.store.resourceVersion } } })}\n`);
      };
      (res as http.ServerResponse & { bookmark?: () => void }).bookmark = bookmark;
      const tick = (): void => {
        bookmark();
        if (!stopped) timers.push(setTimeout(tick, this.bookmarkIntervalMs).unref());
      };
      timers.push(setTimeout(tick, this.bookmarkIntervalMs).unref());
    }
    if (query.timeoutSeconds !== undefined) {
      timers.push(setTimeout(() => finish(), Number(query.timeoutSeconds) * 1000).unref());
    }
    if (drop?.afterMs !== undefined) timers.push(setTimeout(() => finish(drop.mode), drop.afterMs).unref());
  }

  private discovery(res: http.ServerResponse, path: string): void {
    const seg = path.split("/").filter((s) => s !== "");
    const groups = new Map<string, ResourceType[]>();
    for (const t of RESOURCE_TYPES) {
      if (t.group === "") continue;
      groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
    }
    if (seg.length === 1 && seg[0] === "api") {
      return sendJson(res, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: this.url.replace("http://", "") }] });
    }
    if (seg.length === 1 && seg[0] === "apis") {
      return sendJson(res, 200, {
        kind: "APIGroupList", apiVersion: "v1",
        groups: [...groups.entries()].map(([name, types]) => {
          const gv = { groupVersion: `${name}/${types[0].version}`, version: types[0].version };
          return { name, versions: [gv], preferredVersion: gv };
        }),
      });
    }
    const group = seg[0] === "api" ? "" : seg[1];
    const version = seg[0] === "api" ? seg[1] : seg[2];
    const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
    if (types.length === 0) throw statusError(404, "NotFound", "the server could not find the requested resource");
    const verbs = ["create", "delete", "get", "list", "patch", "update", "watch"];
    const resources: Array<Record<string, unknown>> = [];
    for (const t of types) {
      resources.push({ name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs, ...(t.shortNames ? { shortNames: t.shortNames } : {}), ...(t.categories ? { categories: t.categories } : {}) });
      if (t.statusSubresource) resources.push({ name: `${t.plural}/status`, singularName: "", namespaced: t.namespaced, kind: t.kind, verbs: ["get", "patch", "update"] });
      if (t.plural === "pods") resources.push({ name: "pods/log", singularName: "", namespaced: true, kind: "Pod", verbs: ["get"] });
    }
    return sendJson(res, 200, { kind: "APIResourceList", apiVersion: "v1", groupVersion: group === "" ? version : `${group}/${version}`, resources });
  }
}

function sendJson(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
