/**
 * The Kubernetes calls readiness makes, over the shared Kubernetes layer (`components/kube/`), behind
 * a small interface ({@link ReadinessApi}) so that the waiter's logic does not depend on client
 * shapes. Network glue only: no decisions about what a status means (that is `assess.ts`), and no
 * retries (that is the waiter's job, which knows the deadline).
 */
import type { InstallPlan } from "../kubesphere/types";
import type { JobObservation } from "./assess";
import { KubeClient } from "../kube/client";
import { KubeApiError, toKubeApiError } from "../kube/errors";
import { InformerEvent, InformerSubscription, subscribeInformer } from "../kube/informer";
import { ContainerLog, ExecutorLogTail, executorLogTail, JobStatus, jobStatusOf } from "../kube/jobs";
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type * as k8s from "@kubernetes/client-node";

export { KubeApiError, toKubeApiError };
export type { ContainerLog, ExecutorLogTail, JobStatus };

const GROUP = "kubesphere.io";
const VERSION = "v1alpha1";
const PLURAL = "installplans";
/** Collection path of InstallPlans (cluster-scoped). */
export const INSTALLPLANS_PATH = `/apis/${GROUP}/${VERSION}/${PLURAL}`;
/** Collection path of the Jobs of `namespace`. */
export const jobsPath = (namespace: string) => `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs`;

/** The calls readiness makes. Implemented over the shared Kubernetes layer by {@link clientReadinessApi}. */
export interface ReadinessApi {
  /** The API server's URL (for messages). */
  readonly server: string;
  /** Subscribes to the process-wide shared InstallPlan informer. */
  subscribePlans(listener: (e: InformerEvent<InstallPlan>) => void): InformerSubscription<InstallPlan>;
  /** Subscribes to the process-wide shared Job informer of `namespace`. */
  subscribeJobs(namespace: string, listener: (e: InformerEvent<k8s.V1Job>) => void): InformerSubscription<k8s.V1Job>;
  /** GET the plan; `undefined` on 404 (the slow safety-net poll). */
  getInstallPlan(name: string): Promise<InstallPlan | undefined>;
  /** GET a Job; `undefined` on 404. */
  getJob(namespace: string, name: string): Promise<JobStatus | undefined>;
  /** Log tails of the pods of Job `jobName`, or why there are none. */
  jobLogTails(namespace: string, jobName: string, tailLines: number): Promise<ExecutorLogTail>;
  /** Whether ExtensionVersion `<name>` exists. */
  extensionVersionExists(name: string): Promise<boolean>;
  /** DELETE the plan (Background propagation); false when it was already gone. */
  deleteInstallPlan(name: string): Promise<boolean>;
  /** Merge-patch one annotation onto the plan; false when the plan is gone. */
  annotateInstallPlan(name: string, key: string, value: string): Promise<boolean>;
  /** LIST a cluster-scoped kubesphere.io/v1alpha1 collection (`extensions`, `extensionversions`, `installplans`). */
  listKubeSphere<T>(plural: string): Promise<T[]>;
}

/** Reduces a {@link JobStatus} to the assessment's input, stamping when the observer saw it finish. */
export function jobObservation(status: JobStatus, firstSeenFinishedAt?: number): JobObservation {
  const o: JobObservation = { complete: status.complete, failed: status.failed };
  if (firstSeenFinishedAt !== undefined) o.completionTime = firstSeenFinishedAt;
  return o;
}

/**
 * {@link ReadinessApi} over a {@link KubeClient}.
 *
 * @example
 * const api = clientReadinessApi(KubeClient.load({ kubeconfig }));
 */
export function clientReadinessApi(client: KubeClient): ReadinessApi {
  const kp = { group: GROUP, version: VERSION };
  return {
    server: client.server,
    subscribePlans: (listener) => subscribeInformer<InstallPlan>(client, INSTALLPLANS_PATH, listener),
    subscribeJobs: (namespace, listener) => subscribeInformer<k8s.V1Job>(client, jobsPath(namespace), listener),
    getInstallPlan: (name) => client.callOrUndefined(`GET installplans/${name}`, (o) =>
      client.custom.getClusterCustomObject({ ...kp, plural: PLURAL, name }, o) as Promise<InstallPlan>),
    async getJob(namespace, name) {
      const job = await client.callOrUndefined(`GET jobs/${name} -n ${namespace}`, (o) => client.batch.readNamespacedJob({ namespace, name }, o));
      return job ? jobStatusOf(job) : undefined;
    },
    jobLogTails: (namespace, jobName, tailLines) => executorLogTail(client, namespace, jobName, tailLines),
    async extensionVersionExists(name) {
      const ev = await client.callOrUndefined(`GET extensionversions/${name}`, (o) =>
        client.custom.getClusterCustomObject({ ...kp, plural: "extensionversions", name }, o));
      return ev !== undefined;
    },
    async deleteInstallPlan(name) {
      const r = await client.callOrUndefined(`DELETE installplans/${name}`, (o) =>
        client.custom.deleteClusterCustomObject({ ...kp, plural: PLURAL, name, propagationPolicy: "Background" }, o));
      return r !== undefined;
    },
    async annotateInstallPlan(name, key, value) {
      const r = await client.callOrUndefined(`PATCH installplans/${name}`, (o) =>
        client.custom.patchClusterCustomObject({ ...kp, plural: PLURAL, name, body: { metadata: { annotations: { [key]: value } } } },
          setHeaderOptions("Content-Type", PatchStrategy.MergePatch, o)));
      return r !== undefined;
    },
    async listKubeSphere<T>(plural: string) {
      const list = await client.getJson<{ items?: T[] }>(`/apis/${GROUP}/${VERSION}/${plural}`, { operation: `LIST ${plural}.${GROUP}` });
      return list.items ?? [];
    },
  };
}
