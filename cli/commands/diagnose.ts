/**
 * `kubesphere-ext diagnose NAME`: gathers the InstallPlan, the Extension, the ExtensionVersion, the
 * Clusters, the executor Jobs, their pods and log tails (the kubectl commands of docs/troubleshooting.md and docs/kubesphere-behavior.md §7),
 * then prints the pure diagnosis of `cli/diagnosis.ts`.
 */
import { versionsOf } from "../../components/catalog/catalog";
import type { InstallPlan } from "../../components/kubesphere/types";
import { str } from "../args";
import { sortVersions } from "../catalogView";
import type { Command, CommandRun } from "../command";
import type { LiveReads } from "../context";
import { diagnose, Diagnosis, DiagnosisInput, hasProblems, JobEvidence } from "../diagnosis";
import { ExitCode, UnreachableError, UsageError } from "../errors";
import { formatFields, formatTable, Style, writeData } from "../output";

const DEFAULT_TAIL = 20;

async function gatherJob(live: LiveReads, namespace: string, job: string, tail: number): Promise<JobEvidence> {
  try {
    const info = await live.job(namespace, job);
    const pods = info ? await live.podsOfJob(namespace, job) : [];
    const withLogs = [];
    for (const pod of pods) {
      const logs: Array<{ container: string; text: string }> = [];
      for (const container of pod.containers) {
        try {
          logs.push({ container, text: await live.podLog(namespace, pod.name, container, tail) });
        } catch (e) {
          logs.push({ container, text: `(no log: ${(e as Error).message})` });
        }
      }
      withLogs.push({ ...pod, logs });
    }
    return { info, pods: withLogs };
  } catch (e) {
    if (e instanceof UnreachableError) return { error: e.message, pods: [] };
    throw e;
  }
}

/** Reads everything {@link diagnose} needs. */
async function gather(r: CommandRun, name: string, tail: number): Promise<DiagnosisInput> {
  const ctx = r.context();
  const [plans, exts, clusters] = await Promise.all([ctx.catalog.installPlans(), ctx.catalog.extensions(), ctx.catalog.clusters()]);
  const forExt = plans.filter((p) => p.metadata.name === name || p.spec?.extension?.name === name);
  let plan: InstallPlan | undefined = forExt.find((p) => p.metadata.name === name && (p.spec?.extension?.name ?? name) === name)
    ?? forExt.find((p) => p.metadata.name === name);
  if (!plan && forExt.length === 1) plan = forExt[0];
  const otherPlans = forExt.filter((p) => p !== plan);
  const extName = plan?.spec?.extension?.name ?? name;
  const evs = await versionsOf(ctx.catalog, extName);
  const availableVersions = sortVersions(evs.map((e) => e.spec.version ?? e.metadata.name.slice(extName.length + 1)));
  const evName = plan ? `${extName}-${plan.spec?.extension?.version}` : "";
  const jobs: Record<string, JobEvidence> = {};
  const ns = plan?.status?.targetNamespace;
  if (plan && ctx.live && ns) {
    const names = [plan.status?.jobName, ...Object.values(plan.status?.clusterSchedulingStatuses ?? {}).map((e) => e.jobName)]
      .filter((j): j is string => !!j);
    // All executor Jobs, members' included, run in the host, in the plan's target namespace (docs/kubesphere-behavior.md §2.10).
    for (const j of [...new Set(names)]) jobs[j] = await gatherJob(ctx.live, ns, j, tail);
  }
  return {
    name, plan, otherPlans, extension: exts.find((e) => e.metadata.name === extName),
    extensionVersionExists: evs.some((e) => e.metadata.name === evName),
    availableVersions, clusters, jobs, offline: ctx.offline, now: r.now(),
  };
}

function colourState(s: Style, state: string): string {
  if (state === "Installed") return s.green(state);
  if (/Failed$/.test(state)) return s.red(state);
  return state === "" ? "" : s.yellow(state);
}

function colourVerdict(s: Style, v: string): string {
  return v === "Ready" ? s.green(v) : v === "Progressing" ? s.yellow(v) : s.red(v);
}

/** Human rendering of a diagnosis. */
export function renderDiagnosis(d: Diagnosis, s: Style): string {
  let out = `${s.bold(d.extension)}: ${colourVerdict(s, d.verdict)} — ${d.summary}\n`;
  if (d.plan) {
    const p = d.plan;
    out += "\n" + formatFields([
      ["InstallPlan", `${p.name}${p.deletionTimestamp ? s.yellow(` (being deleted since ${p.deletionTimestamp}${p.forceDelete ? ", force-delete set" : ""})`) : ""}`],
      ["Spec", `${p.extension} ${p.specVersion}, enabled=${p.enabled}, config hash ${p.expectedConfigHash}`],
      ["State", colourState(s, p.state) || s.dim("(none yet)")],
      ["Status version", p.statusVersion],
      ["Status configHash", p.configHash ? `${p.configHash}${p.configHash === p.expectedConfigHash ? "" : s.yellow(" (not the spec's)")}` : undefined],
      ["Target namespace", p.targetNamespace],
      ["Job", p.jobName],
    ]);
  }
  if (d.conditions.length > 0) {
    out += `\nConditions (newest first — conditions[0] is the current one):\n`;
    out += formatTable(["type", "status", "reason", "last transition", "message"],
      d.conditions.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime, c.message]), "  ");
  }
  if (d.stateHistory.length > 0) {
    out += `\nState history (oldest first): ${d.stateHistory.map((h) => `${h.state || "(none)"} ${h.lastTransitionTime}`).join(" → ")}\n`;
  }
  if (d.clusters.length > 0) {
    out += "\nClusters:\n" + formatTable(["cluster", "targeted", "state", "version", "job", "readiness"],
      d.clusters.map((c) => [c.name, c.targeted ? "yes" : "no (being removed)", colourState(s, c.state), c.version ?? "", c.jobName ?? "", `${c.readiness}: ${c.message}`]), "  ");
  }
  for (const j of d.jobs) {
    const status = j.error ? s.red(`not readable: ${j.error}`)
      : !j.info ? (j.pods.length === 0 && j.namespace ? s.yellow("not found (or not read)") : "")
        : j.info.failed ? s.red(`Failed${j.info.finishedTime ? ` at ${j.info.finishedTime}` : ""}${j.info.failureMessage ? `: ${j.info.failureMessage}` : ""}`)
          : j.info.complete ? s.green(`Complete${j.info.finishedTime ? ` at ${j.info.finishedTime}` : ""}`) : s.yellow(`Running since ${j.info.startTime ?? "?"}`);
    out += `\nJob ${j.name} (${j.scope}${j.namespace ? `, namespace ${j.namespace}` : ""}): ${status}\n`;
    for (const pod of j.pods) {
      out += `  pod ${pod.name} ${pod.phase ?? ""}${pod.nodeName ? ` on ${pod.nodeName}` : ""}\n`;
      for (const l of pod.logs) {
        out += `  ${s.dim(`--- log tail, container ${l.container} ---`)}\n`;
        out += l.text.replace(/\n$/, "").split("\n").map((line) => `    ${line}`).join("\n") + "\n";
      }
    }
  }
  out += "\nFindings:\n";
  for (const f of d.findings) {
    const tag = f.severity === "error" ? s.red("ERROR  ") : f.severity === "warning" ? s.yellow("WARNING") : s.dim("INFO   ");
    out += `  ${tag} [${f.scope}] ${f.title}\n`;
    out += `          ${f.detail}\n`;
    if (f.hint) out += `          ${s.cyan("→")} ${f.hint}\n`;
  }
  return out;
}

/** The `diagnose` command. */
export const diagnoseCommand: Command = {
  name: "diagnose",
  args: "NAME",
  summary: "troubleshoot an extension: plan state, conditions, Job and log tail, clusters, known traps",
  description:
    "Runs the runbook's troubleshooting in one go: the InstallPlan's state and conditions (conditions[0] is the\n" +
    "newest), its executor Job and the tail of its pod's log (pods labelled job-name=<job> in status.targetNamespace),\n" +
    "per-cluster agent statuses, and checks for the known traps: a Job that completed while the plan stays\n" +
    "Installing (clock skew), a missing ExtensionVersion (silent no-op, or Terminating for ever), a failed install\n" +
    "that KubeSphere will not retry, UninstallFailed (force-delete annotation). Exits 1 when it finds a problem.\n" +
    "Offline (--catalog with InstallPlan YAML, e.g. from `kubectl get installplan NAME -o yaml`) it reads no Jobs or logs.",
  examples: ["kubesphere-ext diagnose devops", "kubesphere-ext diagnose devops --tail 100 -o json", "kubesphere-ext diagnose devops --catalog plan.yaml --catalog ./catalog"],
  options: {
    tail: { type: "string", valueName: "N", description: `lines of each pod log to show (default ${DEFAULT_TAIL})` },
  },
  defaultOutput: "table",
  positionals: 1,
  async run(r) {
    const tailText = str(r.values, "tail");
    if (tailText !== undefined && !/^[1-9]\d*$/.test(tailText)) throw new UsageError(`--tail ${JSON.stringify(tailText)} must be a positive whole number, e.g. --tail 100`);
    const tail = tailText === undefined ? DEFAULT_TAIL : Number(tailText);
    const d = diagnose(await gather(r, r.positionals[0], tail));
    if (r.format === "table") r.stdout.write(renderDiagnosis(d, r.style));
    else writeData(r.stdout, r.format, d);
    return hasProblems(d) ? ExitCode.Problems : ExitCode.Ok;
  },
};
