/**
 * Executor Jobs as readiness and `diagnose` read them: the Job's status reduced the way the
 * controller reads it (docs/kubesphere-behavior.md §2.4, summarised in docs/readiness.md), and the tail of its pod's log
 * with an honest account of why there is none.
 */
import type * as k8s from "@kubernetes/client-node";
import { KubeClient, httpError } from "./client";
import { KubeApiError } from "./errors";

/** Job status reduced to what readiness needs. */
export interface JobStatus {
  /** `Complete=True`, or `succeeded >= completions`. */
  complete: boolean;
  /** `Failed=True`, or `failed > backoffLimit` (the executor's backoffLimit is 0). */
  failed: boolean;
  /** Message of the most recent Job condition, if any. */
  message?: string;
  /** `status.startTime`, RFC 3339. */
  startTime?: string;
  /** `status.completionTime`, or the Failed condition's time, RFC 3339. */
  finishedTime?: string;
  /** Message of the Failed condition, if any. */
  failureMessage?: string;
  /** Annotation `executor.kubesphere.io/action` (install, upgrade, uninstall). */
  action?: string;
}

const iso = (t: Date | string | undefined) => (t === undefined ? undefined : t instanceof Date ? t.toISOString() : String(t));

/** Reduces a batch/v1 Job to {@link JobStatus} the way the controller reads it. */
export function jobStatusOf(job: k8s.V1Job): JobStatus {
  const conds = job.status?.conditions ?? [];
  const isTrue = (t: string) => conds.some((c) => c.type === t && c.status === "True");
  const completions = job.spec?.completions ?? 1;
  const backoffLimit = job.spec?.backoffLimit ?? 6;
  const complete = isTrue("Complete") || (job.status?.succeeded ?? 0) >= completions;
  const failed = isTrue("Failed") || (job.status?.failed ?? 0) > backoffLimit;
  const newest = [...conds].sort((a, b) => String(iso(b.lastTransitionTime) ?? "").localeCompare(String(iso(a.lastTransitionTime) ?? "")))[0];
  const failedCond = conds.find((c) => c.type === "Failed" && c.status === "True");
  const result: JobStatus = { complete, failed };
  if (newest?.message) result.message = newest.message;
  const start = iso(job.status?.startTime);
  if (start) result.startTime = start;
  const finished = iso(job.status?.completionTime) ?? iso(failedCond?.lastTransitionTime);
  if (finished) result.finishedTime = finished;
  if (failedCond?.message) result.failureMessage = failedCond.message;
  const action = job.metadata?.annotations?.["executor.kubesphere.io/action"];
  if (action) result.action = action;
  return result;
}

/** The tail of one container's log. */
export interface ContainerLog {
  /** Pod name. */
  pod: string;
  /** Container name. */
  container: string;
  /** The log text (possibly empty), or undefined when it could not be read. */
  text?: string;
  /** Why the log could not be read ("the executor pod's log is not available: <reason>"). */
  error?: string;
}

/** What was found of a Job's executor pods. */
export interface ExecutorLogTail {
  /** Log tails, newest pod first (empty when there is no pod). */
  logs: ContainerLog[];
  /** When there is nothing to show: "no executor pod found for Job X". */
  problem?: string;
}

/** Default cap of one container's log tail: 64 KiB. */
export const DEFAULT_LOG_LIMIT_BYTES = 64 * 1024;

/** The `helm` container of an executor pod, or its only container, plus a failed init container. */
function containersToRead(pod: k8s.V1Pod): string[] {
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const main = containers.includes("helm") ? "helm" : containers[0];
  const result: string[] = [];
  for (const s of pod.status?.initContainerStatuses ?? []) {
    const exit = s.state?.terminated?.exitCode ?? s.lastState?.terminated?.exitCode;
    if (exit !== undefined && exit !== 0) result.push(s.name);
  }
  if (main) result.push(main);
  return result;
}

/**
 * Reads one container's log tail as text. The answer is read raw, not through the generated client
 * (which fails with "Cannot parse content. No Content-Type defined." on some error answers), so a
 * failure says what the server said.
 */
export async function readContainerLog(client: KubeClient, namespace: string, pod: string, container: string, tailLines: number, limitBytes = DEFAULT_LOG_LIMIT_BYTES): Promise<string> {
  const q = new URLSearchParams({ container, tailLines: String(tailLines), limitBytes: String(limitBytes) });
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${q}`;
  const operation = `GET pods/${pod}/log -n ${namespace} (container ${container})`;
  const res = await client.getRaw(path, { accept: "text/plain, application/json", maxBytes: limitBytes, operation });
  if (res.status < 200 || res.status >= 300) throw httpError(operation, client.server, res);
  return res.text;
}

/**
 * Log tails of the pods of Job `jobName` (`-l job-name=<jobName>`), newest pod first. Never throws
 * for a missing pod or an unreadable log: those become {@link ExecutorLogTail.problem} or a
 * container's `error`. Throws a {@link KubeApiError} only when the pods cannot be listed.
 */
export async function executorLogTail(client: KubeClient, namespace: string, jobName: string, tailLines: number): Promise<ExecutorLogTail> {
  const pods = await client.call(`LIST pods -n ${namespace} -l job-name=${jobName}`, (o) =>
    client.core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` }, o));
  if (pods.items.length === 0) return { logs: [], problem: `no executor pod found for Job ${jobName}` };
  const sorted = [...pods.items].sort((a, b) =>
    String(iso(b.metadata?.creationTimestamp) ?? "").localeCompare(String(iso(a.metadata?.creationTimestamp) ?? "")));
  const logs: ContainerLog[] = [];
  for (const pod of sorted) {
    const podName = pod.metadata?.name ?? "";
    for (const container of containersToRead(pod)) {
      try {
        logs.push({ pod: podName, container, text: await readContainerLog(client, namespace, podName, container, tailLines) });
      } catch (e) {
        const reason = e instanceof KubeApiError ? (e.detail || e.message) : (e as Error).message;
        logs.push({ pod: podName, container, error: `the executor pod's log is not available: ${reason}` });
      }
    }
  }
  return { logs };
}
