/**
 * The helm executor Job and ConfigMap exactly as the real InstallPlan controller writes them
 * (docs/kubesphere-behavior.md, "The helm executor Job"; checked field by field against the
 * recording `tests/fixtures/observed/real/jobs.norm.json` and `configmaps.norm.json`). Pure: no
 * client, no clock.
 *
 * - ConfigMap `<job>`: everything in `binaryData` — `values.yaml` (the config bytes),
 *   `kube.config`, `ca-helm.crt`, `helm-post-render.sh`, `kustomization.yaml`, and `chart.tgz`
 *   only when the ExtensionVersion has no `chartURL` (the chart then comes from `chartDataRef`).
 * - Job `<job>`: `backoffLimit: 0`; pod template without labels (the API server adds the Job
 *   controller's) and without `serviceAccountName`; runs as uid 65534 (non-root, RuntimeDefault
 *   seccomp, all capabilities dropped), requests 100m/100Mi, limits 500m/500Mi,
 *   `terminationGracePeriodSeconds: 0`; the ConfigMap mounted at `/tmp/helm-executor-source`
 *   (mode 0755) and copied into the emptyDir `/tmp/helm-executor`; the optional `helm-init` init
 *   container runs the ExtensionVersion's hook image for the action.
 *
 * Fields the API server would default (`imagePullPolicy`, `dnsPolicy`, ...) are written out, so
 * that the in-memory API server (which does not default them) shows what a real one shows.
 */
import { LABEL_EXTENSION_REF } from "../components/kubesphere/types";
import type { ExecutorAction } from "./controllerFaults";
import { ANNOTATION_EXECUTOR_ACTION, ANNOTATION_EXECUTOR_CONFIG_HASH } from "./stateMachine";
import type { KubeObject } from "./store";

/** Image of the helm executor container (chart default). */
export const EXECUTOR_IMAGE = "kubesphere/kubectl:v1.27.16";

/** ExtensionVersion annotation prefix naming the `helm-init` image per action (`.../install`, `.../upgrade`). */
export const ANNOTATION_HOOK_IMAGE_PREFIX = "executor-hook-image.kubesphere.io/";

/** Where the pod mounts the ConfigMap, and where the helm command runs. */
const SOURCE_DIR = "/tmp/helm-executor-source";
const WORK_DIR = "/tmp/helm-executor";

/** Everything that decides the executor objects of one run. */
export interface ExecutorJobSpec {
  /** Job (and ConfigMap) name, `helm-<action>-<release>-<6 chars>`. */
  jobName: string;
  /** `status.targetNamespace`: where both objects live (always in the host cluster). */
  namespace: string;
  /** The owning InstallPlan. */
  plan: { name: string; uid?: string };
  /** Extension name (`spec.extension.name`). */
  extension: string;
  /** Helm release: `<ext>` or `<ext>-agent`. */
  release: string;
  /** What the Job does. */
  action: ExecutorAction;
  /** The values (config bytes); empty means no `--values`. */
  config: string;
  /** FNV-1a 64 hex of `config` (install and upgrade only). */
  configHash: string;
  /** ExtensionVersion `spec.chartURL`; when empty the chart archive goes into the ConfigMap. */
  chartURL?: string;
  /** Image of the `helm-init` init container for this action, if the ExtensionVersion names one. */
  hookImage?: string;
  /** Agent run: the target cluster's name and role; undefined for the host release. */
  cluster?: { name: string; role: "host" | "member" };
  /** Contents of `kube.config` (the target cluster's kubeconfig). */
  kubeconfig: string;
  /**
   * `condition` values of the chart's `agent`-tagged subcharts; the host release forces them to
   * `false` in `--set` (so the host does not deploy what belongs to agents).
   */
  agentConditions?: string[];
}

/**
 * The hook image the ExtensionVersion names for `action` (annotation `executor-hook-image.kubesphere.io/<action>`).
 * @param ev the ExtensionVersion of the run.
 * @param action the executor action.
 */
export function hookImageFor(ev: { metadata?: { annotations?: Record<string, string> } }, action: ExecutorAction): string | undefined {
  const image = ev.metadata?.annotations?.[`${ANNOTATION_HOOK_IMAGE_PREFIX}${action}`];
  return image !== undefined && image !== "" ? image : undefined;
}

/** The `--set` list of a run. */
function setValues(spec: ExecutorJobSpec): string {
  if (spec.cluster) {
    return `tags.agent=true,tags.extension=false,global.clusterInfo.name=${spec.cluster.name},global.clusterInfo.role=${spec.cluster.role}`;
  }
  return ["tags.extension=true", "tags.agent=false", ...(spec.agentConditions ?? []).map((c) => `${c}=false`)].join(",");
}

/**
 * The shell command of the `helm` container: copy the read-only ConfigMap mount into the
 * writable work directory, then run helm. Install and upgrade are as recorded; the uninstall
 * command line was not recorded (same connection flags, `helm uninstall --wait`).
 * @param spec the run.
 */
export function helmCommandLine(spec: ExecutorJobSpec): string {
  const connection = `--insecure-skip-tls-verify --kubeconfig kube.config --kube-as-user system:serviceaccount:${spec.namespace}:helm-executor.${spec.extension}`;
  const copy = `cp -r ${SOURCE_DIR}/. ${WORK_DIR} && `;
  if (spec.action === "uninstall") {
    return `${copy}helm uninstall ${connection} ${spec.release} --namespace ${spec.namespace} --debug --wait`;
  }
  return copy + [
    "helm upgrade --history-max 2",
    spec.action === "install" ? "--install" : "",
    connection,
    spec.release,
    spec.chartURL ? spec.chartURL : "chart.tgz",
    `--namespace ${spec.namespace}`,
    spec.config !== "" ? "--values values.yaml" : "",
    `--set ${setValues(spec)}`,
    `--post-renderer ${WORK_DIR}/helm-post-render.sh`,
    "--debug --wait --wait-for-jobs --timeout 10m0s",
  ].filter((s) => s !== "").join(" ");
}

const RESOURCES = { limits: { cpu: "500m", memory: "500Mi" }, requests: { cpu: "100m", memory: "100Mi" } };
const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
const CONTAINER_DEFAULTS = { imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" };

function metadata(spec: ExecutorJobSpec, withAnnotations: boolean): KubeObject["metadata"] {
  const labels: Record<string, string> = { [LABEL_EXTENSION_REF]: spec.extension, "kubesphere.io/managed": "true" };
  // Uninstall Jobs get no `name` label, so the stale-Job cleanup never matches them.
  if (spec.action !== "uninstall") labels.name = spec.jobName;
  const meta: KubeObject["metadata"] = {
    name: spec.jobName, namespace: spec.namespace, labels,
    ownerReferences: [{ apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", name: spec.plan.name, uid: spec.plan.uid ?? "" }],
  };
  if (withAnnotations) {
    meta.annotations = { [ANNOTATION_EXECUTOR_ACTION]: spec.action };
    if (spec.action !== "uninstall") meta.annotations[ANNOTATION_EXECUTOR_CONFIG_HASH] = spec.configHash;
  }
  return meta;
}

const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/**
 * The executor ConfigMap (see the module comment). The simulator never reads these files back.
 * @param spec the run.
 */
export function executorConfigMap(spec: ExecutorJobSpec): KubeObject {
  const files: Record<string, string> = {
    "ca-helm.crt": "# CA bundle of the target cluster's API server (simulated)\n",
    "helm-post-render.sh": `#!/bin/sh\ncat > ${WORK_DIR}/helm-generated.yaml\nkubectl kustomize ${WORK_DIR}\n`,
    "kube.config": spec.kubeconfig,
    "kustomization.yaml": "resources:\n- helm-generated.yaml\n",
    "values.yaml": spec.config,
  };
  // With a chartURL helm downloads the chart itself; otherwise the archive travels in the ConfigMap
  // (the simulator has no archive: an empty placeholder, the run itself is simulated).
  if (!spec.chartURL) files["chart.tgz"] = "";
  const binaryData: Record<string, string> = {};
  for (const k of Object.keys(files).sort()) binaryData[k] = b64(files[k]);
  return { apiVersion: "v1", kind: "ConfigMap", metadata: metadata(spec, false), binaryData };
}

/**
 * The executor Job (see the module comment).
 * @param spec the run.
 */
export function executorJob(spec: ExecutorJobSpec): KubeObject {
  const initContainers = spec.hookImage === undefined ? [] : [{
    name: "helm-init", image: spec.hookImage, ...CONTAINER_DEFAULTS,
    env: [
      { name: "HELM_CACHE_HOME", value: WORK_DIR },
      { name: "HOOK_ACTION", value: spec.action },
      // Empty (no `value`) for the host release, as recorded.
      spec.cluster ? { name: "CLUSTER_ROLE", value: spec.cluster.role } : { name: "CLUSTER_ROLE" },
      spec.cluster ? { name: "CLUSTER_NAME", value: spec.cluster.name } : { name: "CLUSTER_NAME" },
    ],
    resources: RESOURCES, securityContext: CONTAINER_SECURITY,
    // Recorded as is: the init container sees the ConfigMap itself at the work directory.
    volumeMounts: [{ name: "source", mountPath: WORK_DIR }],
    workingDir: WORK_DIR,
  }];
  return {
    apiVersion: "batch/v1", kind: "Job",
    metadata: metadata(spec, true),
    spec: {
      backoffLimit: 0, completionMode: "NonIndexed", completions: 1, manualSelector: false, parallelism: 1,
      podReplacementPolicy: "TerminatingOrFailed", suspend: false,
      template: {
        spec: {
          ...(initContainers.length > 0 ? { initContainers } : {}),
          containers: [{
            name: "helm", image: EXECUTOR_IMAGE, ...CONTAINER_DEFAULTS,
            command: ["/bin/sh", "-c", helmCommandLine(spec)],
            env: [{ name: "HELM_CACHE_HOME", value: WORK_DIR }],
            resources: RESOURCES, securityContext: CONTAINER_SECURITY,
            volumeMounts: [{ name: "source", mountPath: SOURCE_DIR }, { name: "data", mountPath: WORK_DIR }],
            workingDir: WORK_DIR,
          }],
          dnsPolicy: "ClusterFirst",
          restartPolicy: "Never",
          schedulerName: "default-scheduler",
          securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: "RuntimeDefault" } },
          terminationGracePeriodSeconds: 0,
          volumes: [
            { name: "source", configMap: { name: spec.jobName, defaultMode: 0o755 } },
            { name: "data", emptyDir: {} },
          ],
        },
      },
    },
  };
}
