/**
 * One LIST + WATCH per resource collection, API server and identity in a process, shared by every
 * subscriber (each readiness wait of a `pulumi up` subscribes to the same InstallPlan informer and
 * to the Job informer of its plan's namespace). Reference-counted: the stream is closed when the
 * last subscriber leaves, so nothing survives between runs and no answer depends on an earlier run.
 *
 * Resumption: the watch resumes from the last resourceVersion after a clean end or an idle close
 * (docs/readiness.md "Timeouts"); 410 Gone re-lists, and objects missing from the new list are
 * delivered as DELETED. API faults are retried with backoff and reported, never turned into objects.
 */
import type { KubeClient, WatchStream } from "./client";
import { KubeApiError } from "./errors";

/** The part of an object an informer needs. */
export interface Watched {
  /** Metadata. */
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

/** One delivered change. */
export type InformerEvent<T> =
  | { type: "ADDED" | "MODIFIED" | "DELETED"; object: T }
  /** The cache was (re)filled from a LIST. */
  | { type: "SYNCED" }
  /** An API call failed; the informer retries. `permanent` for 401/403/404. */
  | { type: "ERROR"; error: KubeApiError; permanent: boolean };

/** A subscriber's handle. */
export interface InformerSubscription<T> {
  /** The cached object `name` (cluster-scoped or within the informer's namespace). */
  get(name: string): T | undefined;
  /** Whether the first LIST has completed. */
  readonly synced: boolean;
  /** The last API error, cleared by the next successful LIST or event. */
  readonly lastError?: KubeApiError;
  /** Leaves; the informer stops when the last subscriber has left. Idempotent. */
  release(): void;
}

/** Counters, for tests and benchmarks. */
export interface InformerStats {
  /** LISTs sent. */
  lists: number;
  /** WATCH requests sent. */
  watches: number;
}

const BACKOFF_INITIAL_MS = 100;
const BACKOFF_MAX_MS = 5_000;

function rvNumber(rv: string | undefined): bigint | undefined {
  return rv !== undefined && /^\d+$/.test(rv) ? BigInt(rv) : undefined;
}

class SharedInformer<T extends Watched> {
  readonly cache = new Map<string, T>();
  readonly stats: InformerStats = { lists: 0, watches: 0 };
  synced = false;
  lastError?: KubeApiError;
  private readonly listeners = new Set<(e: InformerEvent<T>) => void>();
  private readonly stopper = new AbortController();
  private stream?: WatchStream;
  private wakeBackoff?: () => void;

  constructor(private readonly client: KubeClient, private readonly path: string, private readonly onIdle: () => void) {}

  get subscribers(): number { return this.listeners.size; }

  subscribe(listener: (e: InformerEvent<T>) => void): InformerSubscription<T> {
    this.listeners.add(listener);
    if (this.listeners.size === 1 && this.stats.lists === 0) void this.loop();
    let released = false;
    const self = this;
    return {
      get: (name) => self.cache.get(name),
      get synced() { return self.synced; },
      get lastError() { return self.lastError; },
      release: () => {
        if (released) return;
        released = true;
        self.listeners.delete(listener);
        if (self.listeners.size === 0) self.stop();
      },
    };
  }

  private stop(): void {
    this.stopper.abort();
    this.stream?.stop();
    this.wakeBackoff?.();
    this.onIdle();
  }

  private emit(e: InformerEvent<T>): void {
    for (const l of [...this.listeners]) {
      try { l(e); } catch { /* a subscriber's bug must not stop the others */ }
    }
  }

  private fail(error: KubeApiError): void {
    this.lastError = error;
    this.emit({ type: "ERROR", error, permanent: error.kind === "unauthorized" || error.kind === "forbidden" || error.kind === "notFound" });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      t.unref(); // the waits keep the process alive, not the informer's backoff
      this.wakeBackoff = done;
      function done() { clearTimeout(t); resolve(); }
    });
  }

  private async list(): Promise<string> {
    this.stats.lists++;
    const list = await this.client.getJson<{ items?: T[]; metadata?: { resourceVersion?: string } }>(this.path, { operation: `LIST ${this.path}` });
    const fresh = new Map<string, T>();
    for (const item of list.items ?? []) if (item.metadata?.name) fresh.set(item.metadata.name, item);
    const gone = [...this.cache.entries()].filter(([n]) => !fresh.has(n));
    this.cache.clear();
    for (const [n, o] of fresh) this.cache.set(n, o);
    this.synced = true;
    this.lastError = undefined;
    for (const [, o] of gone) this.emit({ type: "DELETED", object: o });
    this.emit({ type: "SYNCED" });
    return list.metadata?.resourceVersion ?? "";
  }

  private async loop(): Promise<void> {
    const signal = this.stopper.signal;
    let rv: string | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (rv === undefined) rv = await this.list();
        if (signal.aborted) return;
        let relist = false;
        let events = 0;
        let watchError: KubeApiError | undefined;
        this.stats.watches++;
        const from = rv;
        const stream = await this.client.watch(this.path, { resourceVersion: from, allowWatchBookmarks: true, timeoutSeconds: 300 }, (type, obj) => {
          if (signal.aborted || relist) return;
          events++;
          const o = obj as T & { code?: number; message?: string; reason?: string };
          switch (type) {
            case "BOOKMARK":
              rv = o.metadata?.resourceVersion ?? rv;
              return;
            case "ERROR":
              if (o.code === 410) relist = true;
              else watchError = new KubeApiError(`WATCH ${this.path}`, this.client.server, "other", o.message ?? "watch error", o.code, o.reason);
              this.stream?.stop();
              return;
            case "ADDED": case "MODIFIED": case "DELETED": {
              const name = o.metadata?.name;
              if (!name) return;
              // Never go back in time (a re-delivered older event after a resume).
              const n = rvNumber(o.metadata?.resourceVersion);
              const cur = rvNumber(this.cache.get(name)?.metadata?.resourceVersion);
              if (type !== "DELETED" && n !== undefined && cur !== undefined && n < cur) return;
              rv = o.metadata?.resourceVersion ?? rv;
              if (type === "DELETED") this.cache.delete(name);
              else this.cache.set(name, o);
              this.lastError = undefined;
              this.emit({ type, object: o });
              return;
            }
            default:
              return;
          }
        });
        this.stream = stream;
        if (signal.aborted) { stream.stop(); return; }
        const ended = await stream.ended;
        stream.stop();
        if (relist) { rv = undefined; continue; }
        if (watchError) throw watchError;
        if (ended) throw ended;
        failures = events > 0 ? 0 : failures + 1;
        if (failures > 1) await this.sleep(Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** (failures - 2)));
      } catch (e) {
        if (signal.aborted) return;
        const err = e instanceof KubeApiError ? e : new KubeApiError(`WATCH ${this.path}`, this.client.server, "other", String((e as Error)?.message ?? e));
        if (err.code === 410) { rv = undefined; continue; }
        this.fail(err);
        failures++;
        await this.sleep(Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** (failures - 1)));
      }
    }
  }
}

/**
 * Live informers by client identity and path. Entries exist only while they have subscribers
 * (reference count > 0), so this map is empty between runs.
 */
const live = new Map<string, SharedInformer<Watched>>();

/**
 * Subscribes to the shared informer of collection `path` (e.g. `/apis/kubesphere.io/v1alpha1/installplans`,
 * `/apis/batch/v1/namespaces/ns/jobs`) on `client`'s server and identity, starting it if needed.
 * `listener` receives every change of the collection; call `release()` when done.
 *
 * @param client the API access.
 * @param path the collection's URL path.
 * @param listener called synchronously for each event.
 */
export function subscribeInformer<T extends Watched>(client: KubeClient, path: string, listener: (e: InformerEvent<T>) => void): InformerSubscription<T> {
  const key = `${client.identity} ${path}`;
  let inf = live.get(key) as SharedInformer<T> | undefined;
  if (!inf) {
    const created: SharedInformer<T> = new SharedInformer<T>(client, path, () => { if (live.get(key) === (created as unknown)) live.delete(key); });
    inf = created;
    live.set(key, created as unknown as SharedInformer<Watched>);
  }
  return inf.subscribe(listener);
}

/** Number of informers running in this process (tests: 0 once every wait has ended). */
export function runningInformers(): number {
  return live.size;
}

/** Request counters of the running informer for `path` on `client` (undefined when none runs). */
export function informerStats(client: KubeClient, path: string): InformerStats | undefined {
  return live.get(`${client.identity} ${path}`)?.stats;
}
