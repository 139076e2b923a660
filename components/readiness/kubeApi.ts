/**
 * The few Kubernetes API calls readiness needs, over `@kubernetes/client-node`, behind a small
 * interface ({@link ReadinessApi}) so that the waiter's logic does not depend on the client's shapes.
 *
 * Network glue only: no decisions about what a status means (that is `assess.ts`), and no retries
 * (that is the waiter's job, which knows the deadline). Every request has its own timeout so that a
 * hung connection becomes a retryable error instead of a hung `pulumi up`.
 */
import * as k8s from "@kubernetes/client-node";
import type { InstallPlan } from "../kubesphere/types";
import type { JobObservation } from "./assess";

const GROUP = "kubesphere.io";
const VERSION = "v1alpha1";
const PLURAL = "installplans";

/** One event of an InstallPlan watch, already narrowed to what the waiter uses. */
export type PlanWatchEvent =
  | { type: "ADDED" | "MODIFIED"; plan: InstallPlan }
  | { type: "DELETED"; plan: InstallPlan }
  | { type: "BOOKMARK"; resourceVersion: string }
  | { type: "ERROR"; code: number; message: string };

/** A running watch. */
export interface PlanWatch {
  /** Resolves when the stream ends: `undefined` for a clean end, else the error that ended it. */
  readonly ended: Promise<unknown>;
  /** Stops the watch (idempotent). */
  stop(): void;
}

/** Job status reduced to what readiness needs. */
export interface JobStatus {
  /** `Complete=True`, or `succeeded >= completions`. */
  complete: boolean;
  /** `Failed=True`, or `failed > backoffLimit` (the executor's backoffLimit is 0, BEHAVIOR §2.10). */
  failed: boolean;
  /** Message of the most recent Job condition, if any. */
  message?: string;
}

/** The tail of one container's log. */
export interface ContainerLog {
  /** Pod name. */
  pod: string;
  /** Container name. */
  container: string;
  /** The log text (possibly empty), or undefined when it could not be read. */
  text?: string;
  /** Why the log could not be read. */
  error?: string;
}

/** The calls readiness makes. Implemented over client-node by {@link clientNodeReadinessApi}. */
export interface ReadinessApi {
  /** GET the plan; `undefined` on 404. */
  getInstallPlan(name: string): Promise<InstallPlan | undefined>;
  /** LIST with `fieldSelector=metadata.name=<name>`: the plan (if any) and the list's resourceVersion to watch from. */
  listInstallPlan(name: string): Promise<{ plan?: InstallPlan; resourceVersion: string }>;
  /** WATCH the plan from `resourceVersion` (with bookmarks); `onEvent` is called for each event. */
  watchInstallPlan(name: string, resourceVersion: string, onEvent: (e: PlanWatchEvent) => void): Promise<PlanWatch>;
  /** GET a Job; `undefined` on 404. */
  getJob(namespace: string, name: string): Promise<JobStatus | undefined>;
  /** Log tails of the pods of Job `jobName` (`-l job-name=<jobName>`), newest pod first. */
  jobLogTails(namespace: string, jobName: string, tailLines: number): Promise<ContainerLog[]>;
  /** Whether ExtensionVersion `<name>` exists. */
  extensionVersionExists(name: string): Promise<boolean>;
  /** DELETE the plan (Background propagation); false when it was already gone. */
  deleteInstallPlan(name: string): Promise<boolean>;
  /** Merge-patch one annotation onto the plan; false when the plan is gone. */
  annotateInstallPlan(name: string, key: string, value: string): Promise<boolean>;
}

/** An API call failed; `code` is the HTTP status, or undefined for network errors and timeouts. */
export class KubeApiError extends Error {
  /** HTTP status code, when the server answered. */
  readonly code?: number;
  /** Kubernetes `reason` (`NotFound`, `Conflict`, `InternalError`, ...) when the body was a Status. */
  readonly reason?: string;
  /** What was being done, e.g. `GET installplans/devops`. */
  readonly operation: string;

  /** @param operation what was being done; @param cause the client's error. */
  constructor(operation: string, message: string, code?: number, reason?: string) {
    super(`${operation}: ${code !== undefined ? `HTTP ${code}${reason ? ` ${reason}` : ""}: ` : ""}${message}`);
    this.name = "KubeApiError";
    this.operation = operation;
    if (code !== undefined) this.code = code;
    if (reason !== undefined) this.reason = reason;
  }

  /**
   * Whether retrying can help: network errors, timeouts, 409, 429 and 5xx. 401/403 (credentials,
   * RBAC) and other 4xx are permanent.
   */
  get transient(): boolean {
    if (this.code === undefined) return true;
    return this.code === 409 || this.code === 429 || this.code === 408 || this.code >= 500;
  }
}

/** Turns a client-node error into a {@link KubeApiError}. */
export function toKubeApiError(operation: string, e: unknown): KubeApiError {
  if (e instanceof KubeApiError) return e;
  if (e instanceof k8s.ApiException) {
    const status = parseStatus(e.body);
    return new KubeApiError(operation, status?.message ?? String(e.body ?? "").slice(0, 300), e.code, status?.reason);
  }
  const err = e as { statusCode?: number; name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (typeof err?.statusCode === "number") return new KubeApiError(operation, err.message ?? "request failed", err.statusCode);
  const detail = err?.cause?.code ?? err?.cause?.message;
  return new KubeApiError(operation, `${err?.name ?? "Error"}: ${err?.message ?? String(e)}${detail ? ` (${detail})` : ""}`);
}

function parseStatus(body: unknown): { message?: string; reason?: string } | undefined {
  let b = body;
  if (typeof b === "string") {
    try { b = JSON.parse(b); } catch { return undefined; }
  }
  if (b && typeof b === "object" && (b as { kind?: string }).kind === "Status") return b as { message?: string; reason?: string };
  return undefined;
}

/** Options of {@link clientNodeReadinessApi}. */
export interface ClientNodeApiOptions {
  /** Timeout of each non-watch request. Defaults to 15 000 ms. */
  requestTimeoutMs?: number;
  /** Server-side `timeoutSeconds` of each watch (the waiter re-watches after it). Defaults to 300. */
  watchTimeoutSeconds?: number;

}

/** Reduces a batch/v1 Job to {@link JobStatus} the way the controller reads it (BEHAVIOR §2.4). */
export function jobStatusOf(job: k8s.V1Job): JobStatus {
  const conds = job.status?.conditions ?? [];
  const isTrue = (t: string) => conds.some((c) => c.type === t && c.status === "True");
  const completions = job.spec?.completions ?? 1;
  const backoffLimit = job.spec?.backoffLimit ?? 6;
  const complete = isTrue("Complete") || (job.status?.succeeded ?? 0) >= completions;
  const failed = isTrue("Failed") || (job.status?.failed ?? 0) > backoffLimit;
  const newest = [...conds].sort((a, b) => String(b.lastTransitionTime ?? "").localeCompare(String(a.lastTransitionTime ?? "")))[0];
  const result: JobStatus = { complete, failed };
  if (newest?.message) result.message = newest.message;
  return result;
}

/** Reduces a {@link JobStatus} to the assessment's input, stamping when the observer saw it finish. */
export function jobObservation(status: JobStatus, firstSeenFinishedAt?: number): JobObservation {
  const o: JobObservation = { complete: status.complete, failed: status.failed };
  if (firstSeenFinishedAt !== undefined) o.completionTime = firstSeenFinishedAt;
  return o;
}

/** The `helm` container of an executor pod, or its only container (BEHAVIOR §2.10). */
function containersToRead(pod: k8s.V1Pod): string[] {
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const main = containers.includes("helm") ? "helm" : containers[0];
  const result: string[] = [];
  // The optional init container (hook image) can be the one that failed.
  for (const s of pod.status?.initContainerStatuses ?? []) {
    const exit = s.state?.terminated?.exitCode ?? s.lastState?.terminated?.exitCode;
    if (exit !== undefined && exit !== 0) result.push(s.name);
  }
  if (main) result.push(main);
  return result;
}

/**
 * {@link ReadinessApi} over `@kubernetes/client-node` for `kc`'s current context.
 *
 * @example
 * const kc = new k8s.KubeConfig(); kc.loadFromDefault();
 * const api = clientNodeReadinessApi(kc);
 */
export function clientNodeReadinessApi(kc: k8s.KubeConfig, options: ClientNodeApiOptions = {}): ReadinessApi {
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  const watcher = new k8s.Watch(kc);

  // Per-request timeout: client-node 2.x has none by default; middleware sets an AbortSignal.
  const withTimeout = () => ({
    middleware: [{
      pre: (ctx: k8s.RequestContext) => {
        ctx.setSignal(AbortSignal.timeout(requestTimeoutMs));
        return new k8s.Observable(Promise.resolve(ctx));
      },
      post: (ctx: k8s.ResponseContext) => new k8s.Observable(Promise.resolve(ctx)),
    }],
    middlewareMergeStrategy: "append" as const,
  });

  async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toKubeApiError(operation, e);
    }
  }
  async function orUndefinedOn404<T>(operation: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call(operation, fn);
    } catch (e) {
      if ((e as KubeApiError).code === 404) return undefined;
      throw e;
    }
  }

  return {
    getInstallPlan: (name) => orUndefinedOn404(`GET installplans/${name}`, () =>
      custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, name }, withTimeout()) as Promise<InstallPlan>),

    async listInstallPlan(name) {
      const list = await call(`LIST installplans?fieldSelector=metadata.name=${name}`, () =>
        custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, fieldSelector: `metadata.name=${name}` }, withTimeout()) as
          Promise<{ items?: InstallPlan[]; metadata?: { resourceVersion?: string } }>);
      const plan = (list.items ?? []).find((p) => p.metadata?.name === name);
      return { plan, resourceVersion: list.metadata?.resourceVersion ?? "" };
    },

    async watchInstallPlan(name, resourceVersion, onEvent) {
      let resolveEnded!: (v: unknown) => void;
      const ended = new Promise<unknown>((r) => { resolveEnded = r; });
      let stopped = false;
      const operation = `WATCH installplans?fieldSelector=metadata.name=${name}`;
      const controller = await watcher.watch(
        `/apis/${GROUP}/${VERSION}/${PLURAL}`,
        { fieldSelector: `metadata.name=${name}`, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: watchTimeoutSeconds },
        (type: string, obj: unknown) => {
          if (stopped) return;
          const o = obj as { metadata?: { resourceVersion?: string }; code?: number; message?: string };
          switch (type) {
            case "ADDED": case "MODIFIED": case "DELETED":
              onEvent({ type, plan: obj as InstallPlan });
              break;
            case "BOOKMARK":
              onEvent({ type, resourceVersion: o.metadata?.resourceVersion ?? resourceVersion });
              break;
            case "ERROR":
              onEvent({ type, code: o.code ?? 500, message: o.message ?? "watch error" });
              break;
            default:
              break;
          }
        },
        // client-node closes a stream that received no bytes for 30 s (its inactivity timeout; bookmarks
        // reset it). That is an ordinary end of a quiet stream, not an API fault: resume quietly.
        (err: unknown) => resolveEnded(err == null || stopped || (err as { name?: string }).name === "TimeoutError" ? undefined : toKubeApiError(operation, err)),
      );
      return {
        ended,
        stop() {
          if (stopped) return;
          stopped = true;
          controller.abort();
          resolveEnded(undefined);
        },
      };
    },

    async getJob(namespace, name) {
      const job = await orUndefinedOn404(`GET jobs/${namespace}/${name}`, () => batch.readNamespacedJob({ namespace, name }, withTimeout()));
      return job ? jobStatusOf(job) : undefined;
    },

    async jobLogTails(namespace, jobName, tailLines) {
      const pods = await call(`LIST pods -n ${namespace} -l job-name=${jobName}`, () =>
        core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` }, withTimeout()));
      const sorted = [...pods.items].sort((a, b) =>
        String(b.metadata?.creationTimestamp?.toISOString?.() ?? b.metadata?.creationTimestamp ?? "")
          .localeCompare(String(a.metadata?.creationTimestamp?.toISOString?.() ?? a.metadata?.creationTimestamp ?? "")));
      const logs: ContainerLog[] = [];
      for (const pod of sorted) {
        const podName = pod.metadata?.name ?? "";
        for (const container of containersToRead(pod)) {
          try {
            const text = await call(`GET pods/${podName}/log?container=${container}&tailLines=${tailLines}`, () =>
              core.readNamespacedPodLog({ namespace, name: podName, container, tailLines }, withTimeout()));
            logs.push({ pod: podName, container, text: typeof text === "string" ? text : String(text ?? "") });
          } catch (e) {
            logs.push({ pod: podName, container, error: (e as Error).message });
          }
        }
      }
      return logs;
    },

    async extensionVersionExists(name) {
      const ev = await orUndefinedOn404(`GET extensionversions/${name}`, () =>
        custom.getClusterCustomObject({ group: GROUP, version: VERSION, plural: "extensionversions", name }, withTimeout()));
      return ev !== undefined;
    },

    async deleteInstallPlan(name) {
      const r = await orUndefinedOn404(`DELETE installplans/${name}`, () =>
        custom.deleteClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, name, propagationPolicy: "Background" }, withTimeout()));
      return r !== undefined;
    },

    async annotateInstallPlan(name, key, value) {
      const r = await orUndefinedOn404(`PATCH installplans/${name}`, () =>
        custom.patchClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL, name, body: { metadata: { annotations: { [key]: value } } } },
          k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch, withTimeout())));
      return r !== undefined;
    },
  };
}
