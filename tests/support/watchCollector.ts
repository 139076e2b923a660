/**
 * Test helper: runs a real `@kubernetes/client-node` `Watch` and collects its events, with a
 * `waitFor` that resolves as soon as a matching event arrives (no sleeping).
 */
import * as k8s from "@kubernetes/client-node";

/** One received watch event. */
export interface CollectedEvent {
  /** ADDED, MODIFIED, DELETED, BOOKMARK or ERROR. */
  type: string;
  /** The event's object (a Status for ERROR). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  object: any;
}

/** A running watch. */
export interface WatchCollector {
  /** Events received so far, in order. */
  readonly events: CollectedEvent[];
  /** Resolves with the `done` error (`null` for a clean close) once the stream ends. */
  readonly done: Promise<unknown>;
  /** Resolves with the first event (past or future) matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (e: CollectedEvent) => boolean, timeoutMs?: number): Promise<CollectedEvent>;
  /** Aborts the watch. */
  stop(): void;
}

/** Starts a watch on `path` (e.g. `/apis/kubesphere.io/v1alpha1/installplans`). */
export async function collectWatch(kc: k8s.KubeConfig, path: string, query: Record<string, string | number | boolean> = {}): Promise<WatchCollector> {
  const events: CollectedEvent[] = [];
  const waiters: Array<{ pred: (e: CollectedEvent) => boolean; resolve: (e: CollectedEvent) => void }> = [];
  let resolveDone!: (err: unknown) => void;
  const done = new Promise<unknown>((r) => { resolveDone = r; });
  const controller = await new k8s.Watch(kc).watch(path, query, (type, object) => {
    const e = { type, object };
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  }, (err) => resolveDone(err));
  return {
    events,
    done,
    waitFor(pred, timeoutMs = 5000) {
      const found = events.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`watch on ${path}: no matching event within ${timeoutMs} ms; got ${events.map((e) => `${e.type} ${e.object?.metadata?.name ?? ""}@${e.object?.metadata?.resourceVersion ?? ""}`).join(", ")}`)), timeoutMs);
        waiters.push({ pred, resolve: (e) => { clearTimeout(timer); resolve(e); } });
      });
    },
    stop: () => controller.abort(),
  };
}
