/**
 * The in-memory object store behind the simulated API server: the part of kube-apiserver + etcd
 * semantics that clients of KubeSphere objects can observe.
 *
 * - one global, monotonically increasing `resourceVersion` (as etcd's revision);
 * - create: 409 AlreadyExists, generated `uid`, `creationTimestamp`, `generation: 1`;
 *   namespaced objects need their Namespace (NamespaceLifecycle);
 * - update: optimistic concurrency on `metadata.resourceVersion` (409 Conflict), `generation`
 *   bumped on every change outside `metadata` for kinds without a status subresource (all
 *   KubeSphere CRDs, docs/kubesphere-behavior.md §1.1) and on `spec` changes only for kinds with one (Pods, Jobs,
 *   whose status is then written through the `status` subresource);
 * - delete: objects with finalizers get `deletionTimestamp` and stay until the last finalizer is
 *   removed, which deletes them with a single DELETED event (carrying the object as last stored,
 *   finalizers included, as kube-apiserver's does); no new finalizers while deleting;
 * - ownerReference garbage collection (background) when an owner disappears, and a Namespace
 *   delete removes everything in it (what kube-controller-manager would eventually do);
 * - watches from a resourceVersion with replay out of a bounded event history; a watch from a
 *   compacted version fails with 410 Expired; selector-filtered watches turn "stops matching"
 *   into DELETED and "starts matching" into ADDED, as the watch cache does;
 * - admission plugins (the InstallPlan webhooks, {@link installPlanAdmission}) on every create
 *   and update, whichever way the write arrives.
 *
 * All operations are synchronous and return deep copies, so callers can never alias stored state.
 */
import type { ObjectMeta } from "../components/kubesphere/types";
import { installPlanAdmission, type AdmissionPlugin } from "./admission";
import { SystemClock, type Clock } from "./clock";
import { kubeTime } from "./clock";
import { alreadyExists, ApiError, badRequest, conflict, gone, invalid, notFound } from "./errors";
import { applyJsonPatch, applyMergePatch, clone, jsonEqual, type JsonPatchOp } from "./patch";
import { apiVersionOf, resourceType, type ResourceType } from "./resources";
import { matchesFields, matchesRequirements, parseFieldSelector, parseLabelSelector, type Requirement } from "./selectors";

/** Any Kubernetes object as stored: apiVersion, kind, metadata, anything else. */
export interface KubeObject {
  /** `group/version` or `v1`. */
  apiVersion: string;
  /** Kind. */
  kind: string;
  /** Object metadata (server-owned fields are set by the store). */
  metadata: ObjectMeta & { deletionGracePeriodSeconds?: number; [k: string]: unknown };
  /** spec, status, data, ... */
  [key: string]: unknown;
}

/** The type of a change. */
export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

/** One change recorded by the store (delivered to subscribers and replayed to watches). */
export interface StoreEvent {
  /** What happened. */
  type: ChangeType;
  /** Resource type of the object. */
  resource: ResourceType;
  /** The object after the change (for DELETED, its last state). */
  object: KubeObject;
  /** The object before the change (MODIFIED and DELETED only). */
  oldObject?: KubeObject;
  /** resourceVersion of the change. */
  resourceVersion: number;
}

/** An event as a watch delivers it. */
export interface WatchEvent {
  /** Change type as seen through the watch's selectors. */
  type: ChangeType;
  /** A copy of the object. */
  object: KubeObject;
}

/** Options shared by list and watch. */
export interface ListOptions {
  /** Restrict to one namespace (namespaced kinds). */
  namespace?: string;
  /** Label selector in query syntax (`a=b,c in (d)`). */
  labelSelector?: string;
  /** Field selector (`metadata.name=x`). */
  fieldSelector?: string;
  /** Page size (list only). */
  limit?: number;
  /** Continue token from a previous page (list only). */
  continue?: string;
}

/** Options of {@link ObjectStore.watch}. */
export interface WatchOptions extends ListOptions {
  /**
   * Start point. Unset or `"0"`: synthetic ADDED events for every current object, then live
   * changes. A number: replay of every change after it, then live (410 Expired when compacted).
   */
  resourceVersion?: string;
}

/** A page of list results. */
export interface ListResult {
  /** Matching objects (copies). */
  items: KubeObject[];
  /** resourceVersion the list is consistent with. */
  resourceVersion: string;
  /** Continue token when more items remain. */
  continue?: string;
}

/** Options of writes. */
export interface WriteOptions {
  /** Validate and return the result without storing it (`?dryRun=All`). */
  dryRun?: boolean;
  /** Write the `status` subresource: only `.status` is taken from the input. */
  subresource?: "status";
}

/** Options of {@link ObjectStore.delete}. */
export interface DeleteOptions {
  /** Validate only. */
  dryRun?: boolean;
  /** `Orphan` skips garbage collection of dependents. */
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  /** Fail with 409 unless the object still has this uid / resourceVersion. */
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Patch formats the store understands. */
export type PatchType = "merge" | "json";

/** Construction options of {@link ObjectStore}. */
export interface ObjectStoreOptions {
  /** Clock for creation/deletion timestamps. Defaults to the system clock. */
  clock?: Clock;
  /** How many change events are kept for watch replay (older ones give 410). Defaults to 10000. */
  watchCacheSize?: number;
  /** Admission plugins run on create/update. Defaults to `[installPlanAdmission]`. */
  admission?: AdmissionPlugin[];
  /** Delete dependents whose owners are all gone (kube-controller-manager's GC). Defaults to true. */
  garbageCollection?: boolean;
}

/** Callback for store-wide changes. */
export type StoreListener = (event: StoreEvent) => void;

/** Handle of a running store watch. */
export interface StoreWatch {
  /** Stops delivery. */
  stop(): void;
}

type Filter = { namespace?: string; labels: Requirement[]; fields: Requirement[] };

function typeKey(t: ResourceType): string {
  return `${t.group}/${t.plural}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ""}/${name}`;
}

function withoutMetadata(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, ...rest } = obj;
  return rest;
}

/** The in-memory store. See the module comment for the semantics it implements. */
export class ObjectStore {
  /** Clock used for timestamps. */
  readonly clock: Clock;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private readonly admission: AdmissionPlugin[];
  private readonly watchCacheSize: number;
  private readonly gc: boolean;
  private revision = 1;
  private compactedRevision = 0;
  private uidCounter = 0;

  /** @param options see {@link ObjectStoreOptions}. */
  constructor(options: ObjectStoreOptions = {}) {
    this.clock = options.clock ?? new SystemClock();
    this.watchCacheSize = options.watchCacheSize ?? 10000;
    this.admission = options.admission ?? [installPlanAdmission];
    this.gc = options.garbageCollection ?? true;
  }

  /** The current (latest) resourceVersion as a string. */
  get resourceVersion(): string {
    return String(this.revision);
  }

  /** The newest resourceVersion that is no longer replayable (watches from it or earlier get 410). */
  get compactedResourceVersion(): string {
    return String(this.compactedRevision);
  }

  /**
   * Forgets the change history up to now, like an etcd compaction: every watch that asks for a
   * resourceVersion older than the current one gets 410 Expired afterwards.
   */
  compact(): void {
    this.compactedRevision = this.revision;
    this.history.length = 0;
  }

  /**
   * Subscribes to every change in the store. Returns an unsubscribe function. The event objects
   * are the store's history snapshots, shared between listeners: treat them as read-only.
   */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private bucket(t: ResourceType): Map<string, KubeObject> {
    let b = this.objects.get(typeKey(t));
    if (!b) {
      b = new Map();
      this.objects.set(typeKey(t), b);
    }
    return b;
  }

  private nextUid(): string {
    this.uidCounter++;
    return `00000000-0000-4000-8000-${this.uidCounter.toString(16).padStart(12, "0")}`;
  }

  private record(type: ChangeType, resource: ResourceType, object: KubeObject, oldObject?: KubeObject): void {
    const event: StoreEvent = { type, resource, object: clone(object), oldObject: oldObject && clone(oldObject), resourceVersion: this.revision };
    this.history.push(event);
    if (this.history.length > this.watchCacheSize) {
      const dropped = this.history.splice(0, this.history.length - this.watchCacheSize);
      this.compactedRevision = dropped[dropped.length - 1].resourceVersion;
    }
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A failing listener must not break the write that triggered it.
      }
    }
  }

  private namespaceOf(t: ResourceType, namespace: string | undefined): string | undefined {
    if (!t.namespaced) return undefined;
    if (!namespace) throw badRequest(`an empty namespace may not be set when a resource name is provided (${t.plural} are namespaced)`);
    return namespace;
  }

  /** Returns a copy of the object, or `undefined`. */
  get(type: string | ResourceType, name: string, namespace?: string): KubeObject | undefined {
    const t = resourceType(type);
    const found = this.bucket(t).get(objectKey(t.namespaced ? namespace : undefined, name));
    return found && clone(found);
  }

  /** Returns a copy of the object, or throws 404 NotFound. */
  mustGet(type: string | ResourceType, name: string, namespace?: string): KubeObject {
    const t = resourceType(type);
    const found = this.get(t, name, namespace);
    if (!found) throw notFound(t.group, t.plural, name);
    return found;
  }

  private compileFilter(t: ResourceType, opts: ListOptions): Filter {
    let labels: Requirement[] = [];
    let fields: Requirement[] = [];
    try {
      labels = opts.labelSelector ? parseLabelSelector(opts.labelSelector) : [];
    } catch (e) {
      throw badRequest(`unable to parse requirement: ${(e as Error).message}`);
    }
    try {
      fields = opts.fieldSelector ? parseFieldSelector(opts.fieldSelector, t.plural === "events") : [];
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    return { namespace: t.namespaced ? opts.namespace || undefined : undefined, labels, fields };
  }

  private static matches(filter: Filter, obj: KubeObject): boolean {
    if (filter.namespace !== undefined && obj.metadata.namespace !== filter.namespace) return false;
    return matchesRequirements(filter.labels, obj.metadata.labels) && matchesFields(filter.fields, obj);
  }

  /** Lists objects (sorted by namespace, then name), with selectors and optional paging. */
  list(type: string | ResourceType, opts: ListOptions = {}): ListResult {
    const t = resourceType(type);
    const filter = this.compileFilter(t, opts);
    const all = [...this.bucket(t).values()]
      .filter((o) => ObjectStore.matches(filter, o))
      .sort((a, b) => objectKey(a.metadata.namespace, a.metadata.name).localeCompare(objectKey(b.metadata.namespace, b.metadata.name)));
    let start = 0;
    if (opts.continue) {
      try {
        start = Number(JSON.parse(Buffer.from(opts.continue, "base64").toString("utf8")).start);
      } catch {
        throw badRequest(`continue key is not valid: ${opts.continue}`);
      }
    }
    const end = opts.limit && opts.limit > 0 ? start + opts.limit : all.length;
    const items = all.slice(start, end).map((o) => clone(o));
    const result: ListResult = { items, resourceVersion: this.resourceVersion };
    if (end < all.length) result.continue = Buffer.from(JSON.stringify({ start: end })).toString("base64");
    return result;
  }

  private admit(op: "CREATE" | "UPDATE", t: ResourceType, obj: KubeObject, old?: KubeObject): KubeObject {
    let result: Record<string, unknown> = obj;
    for (const plugin of this.admission) result = plugin(op, t, result, old);
    return result as KubeObject;
  }

  private checkIdentity(t: ResourceType, obj: KubeObject): void {
    if (!obj || typeof obj !== "object" || !obj.metadata || typeof obj.metadata !== "object") {
      throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: missing metadata`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersionOf(t)) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersionOf(t)})`);
    }
    if (obj.kind !== undefined && obj.kind !== t.kind) {
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${t.kind})`);
    }
    if (!obj.metadata.name) {
      throw invalid(t.kind, t.group, "", [{ field: "metadata.name", message: "Required value: name or generateName is required", reason: "FieldValueRequired" }]);
    }
  }

  /** A write's input: a copy with apiVersion/kind defaulted and its identity checked, and its namespace. */
  private incoming(type: string | ResourceType, input: KubeObject): { t: ResourceType; obj: KubeObject; ns: string | undefined } {
    const t = resourceType(type);
    const obj = clone(input);
    obj.apiVersion ??= apiVersionOf(t);
    obj.kind ??= t.kind;
    this.checkIdentity(t, obj);
    return { t, obj, ns: this.namespaceOf(t, obj.metadata.namespace) };
  }

  /** Creates an object (admission, identity defaults). Returns the stored copy. */
  create(type: string | ResourceType, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const { t, obj, ns } = this.incoming(type, input);
    if (ns !== undefined && t.plural !== "namespaces" && !this.get("namespaces", ns)) {
      throw notFound("", "namespaces", ns);
    }
    const bucket = this.bucket(t);
    const key = objectKey(ns, obj.metadata.name);
    if (bucket.has(key)) throw alreadyExists(t.group, t.plural, obj.metadata.name);
    const admitted = this.admit("CREATE", t, obj);
    const now = kubeTime(this.clock.now());
    const meta = admitted.metadata;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    meta.uid = this.nextUid();
    meta.creationTimestamp = now;
    meta.generation = 1;
    if (t.plural === "namespaces") {
      admitted.spec ??= { finalizers: ["kubernetes"] };
      admitted.status = { phase: "Active" };
    }
    if (t.plural === "jobs") defaultJobSelector(admitted);
    if (opts.dryRun) return clone({ ...admitted, metadata: { ...meta, resourceVersion: this.resourceVersion } });
    this.revision++;
    meta.resourceVersion = String(this.revision);
    bucket.set(key, admitted);
    this.record("ADDED", t, admitted);
    return clone(admitted);
  }

  /**
   * Replaces an object (PUT). `metadata.resourceVersion` must be given and current (409
   * otherwise). With `subresource: "status"` only `.status` is taken from the input; without it,
   * kinds that have a status subresource keep their stored status.
   */
  update(type: string | ResourceType, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const { t, obj, ns } = this.incoming(type, input);
    const key = objectKey(ns, obj.metadata.name);
    const bucket = this.bucket(t);
    const old = bucket.get(key);
    if (!old) throw notFound(t.group, t.plural, obj.metadata.name);
    const rv = obj.metadata.resourceVersion;
    if (rv === undefined || rv === "") {
      throw invalid(t.kind, t.group, obj.metadata.name, [{ field: "metadata.resourceVersion", message: "Invalid value: 0x0: must be specified for an update" }]);
    }
    if (rv !== old.metadata.resourceVersion) throw conflict(t.group, t.plural, obj.metadata.name);
    return this.commitUpdate(t, old, obj, opts);
  }

  private commitUpdate(t: ResourceType, old: KubeObject, proposed: KubeObject, opts: WriteOptions): KubeObject {
    let next: KubeObject;
    if (opts.subresource === "status") {
      if (!t.statusSubresource) throw notFound(t.group, `${t.plural}/status`, old.metadata.name);
      next = clone(old);
      if (proposed.status === undefined) delete next.status;
      else next.status = clone(proposed.status);
    } else {
      next = proposed;
      if (t.statusSubresource) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
      next = this.admit("UPDATE", t, next, old);
    }
    // Fields the server owns.
    const meta = next.metadata;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.namespace = old.metadata.namespace;
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
      const added = (meta.finalizers ?? []).filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) {
        throw invalid(t.kind, t.group, old.metadata.name, [{
          field: "metadata.finalizers",
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
          reason: "FieldValueForbidden",
        }]);
      }
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (meta.finalizers && meta.finalizers.length === 0) delete meta.finalizers;
    const bodyChanged = t.statusSubresource
      ? !jsonEqual(next.spec, old.spec)
      : !jsonEqual(withoutMetadata(next), withoutMetadata(old));
    meta.generation = (old.metadata.generation ?? 1) + (bodyChanged ? 1 : 0);
    meta.resourceVersion = old.metadata.resourceVersion;
    if (jsonEqual(next, old)) return clone(old); // no-op writes do not produce events
    if (opts.dryRun) return clone(next);
    this.revision++;
    meta.resourceVersion = String(this.revision);
    const key = objectKey(meta.namespace, meta.name);
    if (meta.deletionTimestamp && !(meta.finalizers?.length)) {
      // kube-apiserver does not write this update: it deletes the stored object, so the DELETED
      // event carries the object as last stored (finalizers still listed) with the deletion's
      // resourceVersion (observed with the real controller, tests/fixtures/observed).
      this.bucket(t).delete(key);
      const gone = clone(old);
      gone.metadata.resourceVersion = meta.resourceVersion;
      this.record("DELETED", t, gone, old);
      this.collectGarbage(next);
      return clone(next);
    }
    this.bucket(t).set(key, next);
    this.record("MODIFIED", t, next, old);
    return clone(next);
  }

  /**
   * Patches an object: `merge` (RFC 7386) or `json` (RFC 6902). A `metadata.resourceVersion` in a
   * merge patch is a precondition, as with the real server.
   */
  patch(type: string | ResourceType, name: string, namespace: string | undefined, patchType: PatchType, patch: unknown, opts: WriteOptions = {}): KubeObject {
    const t = resourceType(type);
    const old = this.bucket(t).get(objectKey(t.namespaced ? namespace : undefined, name));
    if (!old) throw notFound(t.group, t.plural, name);
    let next: KubeObject;
    try {
      next = (patchType === "merge" ? applyMergePatch(old, patch) : applyJsonPatch(old, patch as JsonPatchOp[])) as KubeObject;
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: (e as Error).message, reason: "Invalid", code: 422 });
    }
    if (!next || typeof next !== "object" || !next.metadata) throw badRequest("patch removed metadata");
    if (next.metadata.name !== name) throw badRequest(`the name of the object (${String(next.metadata.name)}) does not match the name on the URL (${name})`);
    const rv = next.metadata.resourceVersion;
    if (rv !== undefined && rv !== old.metadata.resourceVersion) throw conflict(t.group, t.plural, name);
    return this.commitUpdate(t, old, next, opts);
  }

  /**
   * Deletes an object. With finalizers it only gets `deletionTimestamp` (MODIFIED); otherwise it
   * is removed (DELETED) and its dependents are garbage-collected. Returns the object's last state.
   */
  delete(type: string | ResourceType, name: string, namespace?: string, opts: DeleteOptions = {}): KubeObject {
    const t = resourceType(type);
    const key = objectKey(t.namespaced ? namespace : undefined, name);
    const bucket = this.bucket(t);
    const old = bucket.get(key);
    if (!old) throw notFound(t.group, t.plural, name);
    const pre = opts.preconditions ?? {};
    if (pre.uid !== undefined && pre.uid !== old.metadata.uid) {
      throw conflict(t.group, t.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(t.group, t.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
    }
    if (old.metadata.finalizers?.length) {
      if (old.metadata.deletionTimestamp) return clone(old);
      const next = clone(old);
      next.metadata.deletionTimestamp = kubeTime(this.clock.now());
      next.metadata.deletionGracePeriodSeconds = 0;
      if (opts.dryRun) return next;
      this.revision++;
      next.metadata.resourceVersion = String(this.revision);
      bucket.set(key, next);
      this.record("MODIFIED", t, next, old);
      return clone(next);
    }
    if (opts.dryRun) return clone(old);
    this.revision++;
    const last = clone(old);
    last.metadata.resourceVersion = String(this.revision);
    last.metadata.deletionTimestamp ??= kubeTime(this.clock.now());
    bucket.delete(key);
    this.record("DELETED", t, last, old);
    if (t.plural === "namespaces") this.emptyNamespace(name);
    if (opts.propagationPolicy !== "Orphan") this.collectGarbage(last);
    return clone(last);
  }

  private emptyNamespace(ns: string): void {
    for (const [k, bucket] of this.objects) {
      const t = resourceType(k.split("/")[1]);
      if (!t.namespaced) continue;
      for (const obj of [...bucket.values()]) {
        if (obj.metadata.namespace !== ns) continue;
        this.revision++;
        const last = clone(obj);
        last.metadata.resourceVersion = String(this.revision);
        bucket.delete(objectKey(ns, obj.metadata.name));
        this.record("DELETED", t, last, obj);
      }
    }
  }

  private collectGarbage(owner: KubeObject): void {
    if (!this.gc || !owner.metadata.uid) return;
    const uid = owner.metadata.uid;
    for (const [k, bucket] of this.objects) {
      const t = resourceType(k.split("/")[1]);
      for (const obj of [...bucket.values()]) {
        const refs = (obj.metadata.ownerReferences ?? []) as Array<{ uid?: string }>;
        if (!refs.some((r) => r.uid === uid)) continue;
        const remaining = refs.filter((r) => r.uid !== uid && this.uidExists(r.uid));
        if (remaining.length > 0) continue;
        try {
          this.delete(t, obj.metadata.name, obj.metadata.namespace, { propagationPolicy: "Background" });
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 404)) throw e;
        }
      }
    }
  }

  private uidExists(uid: string | undefined): boolean {
    if (!uid) return false;
    for (const bucket of this.objects.values()) for (const o of bucket.values()) if (o.metadata.uid === uid) return true;
    return false;
  }

  /**
   * Watches a resource type. Events are delivered synchronously to `handler` in resourceVersion
   * order. Throws 410 Expired when `resourceVersion` has been compacted away.
   */
  watch(type: string | ResourceType, opts: WatchOptions, handler: (event: WatchEvent) => void): StoreWatch {
    const t = resourceType(type);
    const filter = this.compileFilter(t, opts);
    const deliver = (e: StoreEvent): void => {
      const nowMatches = ObjectStore.matches(filter, e.object);
      const wasMatching = e.oldObject ? ObjectStore.matches(filter, e.oldObject) : false;
      if (e.type === "ADDED") {
        if (nowMatches) handler({ type: "ADDED", object: clone(e.object) });
      } else if (e.type === "DELETED") {
        if (wasMatching || nowMatches) handler({ type: "DELETED", object: clone(e.object) });
      } else if (nowMatches && wasMatching) {
        handler({ type: "MODIFIED", object: clone(e.object) });
      } else if (nowMatches) {
        handler({ type: "ADDED", object: clone(e.object) });
      } else if (wasMatching) {
        handler({ type: "DELETED", object: clone(e.object) });
      }
    };
    const rvText = opts.resourceVersion;
    if (rvText === undefined || rvText === "" || rvText === "0") {
      const current = [...this.bucket(t).values()]
        .filter((o) => ObjectStore.matches(filter, o))
        .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
      for (const o of current) handler({ type: "ADDED", object: clone(o) });
    } else {
      const from = Number(rvText);
      if (!Number.isInteger(from) || from < 0) throw badRequest(`invalid resource version: "${rvText}"`);
      if (from < this.compactedRevision) {
        throw gone(`too old resource version: ${from} (${this.compactedRevision + 1})`);
      }
      for (const e of this.history) if (e.resourceVersion > from && e.resource === t) deliver(e);
    }
    let active = true;
    const unsubscribe = this.subscribe((e) => {
      if (active && e.resource === t) deliver(e);
    });
    return { stop: () => { active = false; unsubscribe(); } };
  }

  /** Every stored object of every type (copies), for debugging and snapshots. */
  dump(): KubeObject[] {
    return [...this.objects.values()].flatMap((b) => [...b.values()]).map((o) => clone(o));
  }
}

/**
 * What kube-apiserver's Job strategy adds on create unless `spec.manualSelector` is true: a
 * selector on the Job's uid and the matching pod template labels (the Job controller's labels
 * that the executor pods carry, docs/kubesphere-behavior.md §2.10, pod template).
 */
function defaultJobSelector(job: KubeObject): void {
  const spec = job.spec as { manualSelector?: boolean; selector?: unknown; template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
  if (!spec || spec.manualSelector === true) return;
  const uid = job.metadata.uid ?? "";
  spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.metadata.labels = {
    ...(spec.template.metadata.labels ?? {}),
    "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": job.metadata.name,
    "controller-uid": uid, "job-name": job.metadata.name,
  };
}
