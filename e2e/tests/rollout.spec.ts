/**
 * Issue 15 through the REAL engine (Pulumi CLI + language host + Kubernetes provider + the package's
 * readiness resource) against a real kube-apiserver with the controller simulator: a staged rollout
 * of a Multicluster extension (devops 1.1.2) over six member clusters in three waves of two, with the
 * agent install on one cluster of wave 2 failing once (a per-cluster simulator fault).
 *
 * What the API server itself recorded is the evidence: a watch on the InstallPlan run by this test
 * (every version of the object, each with the time it arrived) and a watch on executor Jobs. From it:
 *
 * 1. the first `up` fails naming the cluster and its cause; wave 1 was Installed before any wave-2
 *    cluster was written into the placement; no wave-3 cluster was ever written;
 * 2. after changing that cluster's override (as the error advises) the next `up` resumes: no new Job
 *    for wave 1's clusters, wave 3 written only after wave 2 is Installed, the rollout completes;
 *    a third `up --expect-no-changes` is a no-op;
 * 3. the wave timeline (cluster, written at, Installed at) is printed and kept in the work dir.
 *
 * Its own cluster (work dir `e2e/.work/rollout`) and program (`e2e/programs/rollout`).
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { KubeClient, type WatchStream } from "../../components/kube/client";
import type { InstallPlan } from "../../components/kubesphere/types";
import { formatRecordTimeline, waveOrderViolations, waveTimeline, type ClusterTimelineRow, type PlanObservation } from "../../tests/rollout/record";
import {
  binDirOrSkip, E2eEnv, exists, installDynamicProviderShim, kubectlJson, offlinePulumiEnv, pulumi, REPO, RunResult,
  startCluster, stopCluster,
} from "./harness";

const PROGRAM = path.join(REPO, "e2e", "programs", "rollout");
const WORK = path.join(REPO, "e2e", ".work", "rollout");
const PROJECT = "e2e-rollout";
const STACK = "rollout";

const EXT = "devops";
const VERSION = "1.1.2";
const NAMESPACE = "kubesphere-devops-system";
/** cluster-up.sh creates member1 and member2; the test adds the rest. */
const MEMBERS = ["member1", "member2", "member3", "member4", "member5", "member6"];
const WAVES = [["member1", "member2"], ["member3", "member4"], ["member5", "member6"]];
/** The cluster of wave 2 whose first agent install fails. */
const FAULTED = "member3";
const FAULT_ERROR = "timed out waiting for the condition: deployment kubesphere-devops-system/devops-agent-apiserver not ready";
/** The override that makes KubeSphere run the failed agent again (docs/rollouts.md "When a wave fails"). */
const FIX_OVERRIDE = { agent: { apiserver: { replicas: 2 } } };

const FAULTS = {
  // Fails the first install run of devops's agent on member3, and only that one: the cause is "fixed"
  // once it has happened, as a transient fault would be; KubeSphere still re-runs the agent only when
  // its effective config changes (docs/kubesphere-behavior.md §2.5, §2.11).
  faults: [{ effect: "fail", extension: EXT, cluster: FAULTED, action: "install", times: 1, error: FAULT_ERROR }],
};

/** One executor Job as its ADDED watch event showed it. */
interface JobSeen {
  at: number;
  name: string;
  /** Agent cluster (the Job's CLUSTER_NAME env), undefined for the host release. */
  cluster?: string;
  action?: string;
}

/**
 * Watches the InstallPlan and the executor Jobs from a known resourceVersion, re-establishing each
 * stream from the last version seen when it ends. A stream that fails (e.g. 410 Gone) is a gap in the
 * record: it is kept in `gaps` and the scenario fails on it rather than judging an incomplete record.
 */
class ApiRecorder {
  readonly plans: Array<PlanObservation & { rv: string; type: string }> = [];
  readonly jobs: JobSeen[] = [];
  readonly gaps: string[] = [];
  private streams: WatchStream[] = [];
  private stopped = false;

  constructor(private readonly client: KubeClient) {}

  async start(): Promise<void> {
    await this.follow("/apis/kubesphere.io/v1alpha1/installplans", { fieldSelector: `metadata.name=${EXT}` }, (type, obj) => {
      if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") {
        const plan = obj as InstallPlan;
        this.plans.push({ at: Date.now(), plan, rv: plan.metadata.resourceVersion ?? "", type });
      }
    });
    await this.follow("/apis/batch/v1/jobs", {}, (type, obj) => {
      const job = obj as { metadata: { name: string; annotations?: Record<string, string> }; spec?: any };
      if (type !== "ADDED" || !job.metadata.name.includes(EXT)) return;
      // An agent run's helm command sets `global.clusterInfo.name=<cluster>` (docs/kubesphere-behavior.md §2.9).
      const cluster = /global\.clusterInfo\.name=([a-z0-9.-]+)/.exec(JSON.stringify(job.spec ?? {}))?.[1];
      this.jobs.push({ at: Date.now(), name: job.metadata.name, cluster, action: job.metadata.annotations?.["executor.kubesphere.io/action"] });
    });
  }

  /** LIST for the current resourceVersion, then WATCH from it for as long as the recorder runs. */
  private async follow(listPath: string, query: Record<string, string>, onEvent: (type: string, obj: unknown) => void): Promise<void> {
    const qs = new URLSearchParams(query).toString();
    const list = await this.client.getJson<{ metadata: { resourceVersion: string } }>(`${listPath}${qs ? `?${qs}` : ""}`);
    let rv = list.metadata.resourceVersion;
    const loop = async () => {
      while (!this.stopped) {
        const s = await this.client.watch(listPath, { ...query, resourceVersion: rv, allowWatchBookmarks: true }, (type, obj) => {
          const v = (obj as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
          if (v) rv = v;
          if (type === "ERROR") this.gaps.push(`${listPath}: watch error ${JSON.stringify(obj)}`);
          else if (type !== "BOOKMARK") onEvent(type, obj);
        });
        this.streams.push(s);
        const err = await s.ended;
        if (err && !this.stopped) {
          this.gaps.push(`${listPath}: ${err.message}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.streams) s.stop();
  }
}

/** Cluster objects member3..member6, copies of cluster-up's member2 (Ready, managed, same API endpoint). */
function addMemberClusters(e: E2eEnv): void {
  const template = kubectlJson(e, "clusters.cluster.kubesphere.io member2");
  const docs = MEMBERS.filter((m) => !exists(e, `clusters.cluster.kubesphere.io ${m}`)).map((name) => ({
    apiVersion: template.apiVersion, kind: template.kind,
    metadata: { name, labels: template.metadata.labels },
    spec: template.spec, status: template.status,
  }));
  if (docs.length === 0) return;
  kubectl(e, ["apply", "--server-side", "--field-manager=e2e-rollout", "-f", "-"], docs.map((d) => `---\n${YAML.stringify(d)}`).join(""));
}

function kubectl(e: E2eEnv, args: string[], input?: string): string {
  return execFileSync(path.join(e.binDir, "kubectl"), ["--kubeconfig", e.kubeconfig, ...args],
    { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

async function newStack(e: E2eEnv, config: Record<string, unknown>): Promise<void> {
  await pulumi(e, ["stack", "rm", "--yes", "--force", "--stack", STACK], PROGRAM);
  const init = await pulumi(e, ["stack", "init", STACK], PROGRAM);
  if (init.code !== 0) throw new Error(`pulumi stack init ${STACK} failed:\n${init.output}`);
  setStackConfig(config);
}

/** Replaces the stack's config values (keeps its encryption salt). */
function setStackConfig(config: Record<string, unknown>): void {
  const file = path.join(PROGRAM, `Pulumi.${STACK}.yaml`);
  const doc = (fs.existsSync(file) ? YAML.parse(fs.readFileSync(file, "utf8")) : {}) ?? {};
  doc.config = Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v]));
  fs.writeFileSync(file, YAML.stringify(doc));
}

function up(e: E2eEnv, extra: string[] = []): Promise<RunResult> {
  return pulumi(e, ["up", "--yes", "--skip-preview", ...extra, "--stack", STACK], PROGRAM);
}

function keep(name: string, text: string): void {
  fs.mkdirSync(path.join(WORK, "evidence"), { recursive: true });
  fs.writeFileSync(path.join(WORK, "evidence", name), text);
}

/** Field managers owning `spec.<field>` of an object read with `--show-managed-fields`. */
function specOwners(obj: any, field: string): string[] {
  return (obj.metadata.managedFields ?? []).filter((f: any) => f.fieldsV1?.["f:spec"]?.[field] !== undefined).map((f: any) => f.manager);
}

const placedIn = (p: InstallPlan, c: string) => (p.spec?.clusterScheduling?.placement?.clusters ?? []).includes(c);

/** Observation index of the first version placing `c` (-1: never). */
const firstPlaced = (rec: PlanObservation[], c: string) => rec.findIndex((o) => placedIn(o.plan, c));

/** The timeline rows as `cluster, written at, Installed at` with absolute times and the delay. */
function timelineTable(rows: ClusterTimelineRow[]): string[] {
  const iso = (t?: number) => (t === undefined ? "-" : new Date(t).toISOString());
  return [
    "wave  cluster   written at (API watch)      Installed at (API watch)    written→Installed",
    ...rows.map((r) => `${String(r.wave).padEnd(6)}${r.cluster.padEnd(10)}${iso(r.writtenAt).padEnd(28)}${iso(r.installedAt).padEnd(28)}` +
      (r.writtenAt !== undefined && r.installedAt !== undefined ? `${((r.installedAt - r.writtenAt) / 1000).toFixed(3)} s` : "-")),
  ];
}

/** The stack config of the scenario; `extra` adds or replaces keys. */
function stackConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { extension: { name: EXT, version: VERSION }, clusters: MEMBERS, rollout: { batchSize: 2 }, timeoutSeconds: 60, ...extra };
}

/**
 * Pairs of progress lines of the component's diagnostics that the CLI shows in the opposite order
 * of how the rollout emitted them: `wave N/3: done` must come before `wave N+1/3: <what>` (the
 * rollout writes the next wave only after logging the previous one done).
 */
function progressInversions(output: string): string[] {
  const diag = output.slice(output.indexOf("Diagnostics:"));
  const lines = diag.split("\n").map((l) => l.trim());
  const out: string[] = [];
  for (let n = 1; n < WAVES.length; n++) {
    const done = lines.findIndex((l) => l.startsWith(`wave ${n}/${WAVES.length}: done`));
    const next = lines.findIndex((l) => new RegExp(`^wave ${n + 1}/${WAVES.length}: (add|update|finish)`).test(l));
    if (done >= 0 && next >= 0 && next < done) out.push(`"${lines[next]}" shown before "${lines[done]}"`);
  }
  return out;
}

/** For each cluster whose agent failed in the record: when it failed, when its override was written, when it was Installed. */
function failureNotes(rec: PlanObservation[], clusters: string[]): string[] {
  const iso = (i: number) => (i < 0 ? "never" : new Date(rec[i].at).toISOString());
  return clusters.flatMap((c) => {
    const failed = rec.findIndex((o) => /Failed$/.test(o.plan.status?.clusterSchedulingStatuses?.[c]?.state ?? ""));
    if (failed < 0) return [];
    const override = rec.findIndex((o, i) => i > failed && o.plan.spec?.clusterScheduling?.overrides?.[c] !== undefined);
    const installed = rec.findIndex((o, i) => i > failed && o.plan.status?.clusterSchedulingStatuses?.[c]?.state === "Installed");
    return [`${c}: ${rec[failed].plan.status!.clusterSchedulingStatuses![c].state} at ${iso(failed)}; override written at ${iso(override)}; Installed at ${iso(installed)}`];
  });
}

describe("end to end, issue 15: a three-wave staged rollout with a failing wave-2 cluster (real engine)", function () {
  this.timeout(20 * 60_000);
  let e: E2eEnv;
  let recorder: ApiRecorder;
  /** Number of plan observations at the end of each `up` (the record is split per run). */
  const marks: number[] = [];
  let jobsAfterUp1: JobSeen[] = [];
  /** Progress lines the CLI showed out of order (reported, see the last test). */
  const inversions: string[] = [];

  before(async function () {
    const binDir = binDirOrSkip(this);
    installDynamicProviderShim(binDir!);
    // cluster-up picks random free loopback ports; another suite starting at the same moment can take
    // one between the pick and the bind ("address already in use"): one more attempt then.
    let kubeconfig: string;
    try {
      kubeconfig = startCluster(binDir!, WORK, FAULTS);
    } catch (err) {
      if (!/address already in use/.test(String((err as Error).message))) throw err;
      kubeconfig = startCluster(binDir!, WORK, FAULTS);
    }
    e = { binDir: binDir!, kubeconfig, env: offlinePulumiEnv(binDir!, WORK, kubeconfig) };
    if (!fs.existsSync(path.join(PROGRAM, "node_modules", "@kubesphere-ext"))) {
      execFileSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"], { cwd: PROGRAM, stdio: "ignore" });
    }
    addMemberClusters(e);
    recorder = new ApiRecorder(KubeClient.load({ kubeconfig: fs.readFileSync(kubeconfig, "utf8") }, { watchIdleMs: 120_000 }));
    await recorder.start();
    await newStack(e, stackConfig());
  });
  after(() => {
    recorder?.stop();
    if (e) stopCluster(WORK);
  });

  it("1. `up` fails at wave 2 naming the cluster and its cause; wave 1 was Installed before wave 2 was written; wave 3 never written", async () => {
    const preview = await pulumi(e, ["preview", "--stack", STACK], PROGRAM);
    keep("preview-1.txt", preview.output);
    expect(preview.code, preview.output).to.equal(0);

    const run = await up(e);
    keep("up-1.txt", run.output);
    await new Promise((r) => setTimeout(r, 1000)); // let the watch deliver the last versions
    marks.push(recorder.plans.length);
    jobsAfterUp1 = [...recorder.jobs];
    keep("record-up-1.json", JSON.stringify(recorder.plans, null, 1));
    inversions.push(...progressInversions(run.output).map((i) => `up 1: ${i}`));

    expect(run.code, run.output).to.not.equal(0);
    expect(run.output).to.match(new RegExp(`rollout of ${EXT} stopped at wave 2/3`));
    // The cause as the controller recorded it when the waiter saw the failure. KubeSphere derives the
    // state from the Job and from the Helm release (docs/kubesphere-behavior.md §2.4), so which message
    // the agent's entry carries first depends on which one its reconcile sees first: Helm's description
    // (with the fault's text) or the Job's condition. Both were seen in real runs of this scenario. (The
    // e2e simulator runs without executor pods — no kubelet — so there is no helm log to quote.)
    expect(run.output).to.match(new RegExp("InstallPlan devops \\(agent on cluster member3\\) failed: cluster member3: InstallFailed: " +
      `(Release "devops-agent" failed: ${FAULT_ERROR.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}|Job has reached the specified backoff limit)`));
    expect(run.output).to.match(/Executor Job: kubesphere-devops-system\/helm-install-devops-agent-[a-z0-9]+/);
    expect(run.output).to.match(/Wave 2: member3 InstallFailed, member4 (Installing|Installed)\./);
    expect(run.output).to.match(/never touched: member5, member6/);
    expect(run.output).to.match(/change the override of member3/);

    const rec = recorder.plans.slice(0, marks[0]);
    expect(recorder.gaps, recorder.gaps.join("\n")).to.deep.equal([]);
    const rows = waveTimeline(rec, WAVES, { version: VERSION });
    console.log(["      timeline of up 1:", ...timelineTable(rows).map((l) => `        ${l}`)].join("\n"));
    const row = (c: string) => rows.find((r) => r.cluster === c)!;
    // Wave 1 Installed before any wave-2 cluster was written.
    const wave1Installed = Math.max(row("member1").installedIndex, row("member2").installedIndex);
    expect(row("member1").installedIndex).to.be.greaterThan(-1);
    expect(row("member2").installedIndex).to.be.greaterThan(-1);
    for (const c of WAVES[1]) {
      expect(row(c).writtenIndex, `${c} never placed`).to.be.greaterThan(-1);
      expect(row(c).writtenIndex, `${c} placed (change #${row(c).writtenIndex}) before wave 1 was Installed (change #${wave1Installed})`)
        .to.be.greaterThan(wave1Installed);
      expect(row(c).writtenAt!).to.be.at.least(Math.max(row("member1").installedAt!, row("member2").installedAt!));
    }
    // The failure as the controller recorded it, and nothing of wave 3 ever in the placement.
    const last = rec[rec.length - 1].plan;
    expect(last.status?.clusterSchedulingStatuses?.[FAULTED]?.state).to.equal("InstallFailed");
    for (const c of WAVES[2]) expect(firstPlaced(rec, c), `${c} was written into the placement`).to.equal(-1);
    // Nothing ran on wave 3's clusters.
    expect(jobsAfterUp1.filter((j) => WAVES[2].includes(j.cluster ?? "")).map((j) => j.name)).to.deep.equal([]);
    // The placement is owned by the rollout's field manager, not the Kubernetes provider.
    const live = kubectlJson(e, `installplans.kubesphere.io ${EXT} --show-managed-fields`);
    const owners = specOwners(live, "f:clusterScheduling");
    keep("managed-fields-up-1.json", JSON.stringify(live.metadata.managedFields, null, 1));
    expect(owners).to.deep.equal(["kubesphere-ext-rollout"]);
  });

  it("1b. an identical re-run fails again at wave 2 at once: KubeSphere does not re-run the failed agent, nothing new runs, wave 3 stays untouched", async () => {
    const plansFrom = recorder.plans.length;
    const jobsFrom = recorder.jobs.length;
    const run = await up(e);
    keep("up-1b-identical.txt", run.output);
    await new Promise((r) => setTimeout(r, 1000));
    expect(run.code, run.output).to.not.equal(0);
    expect(run.output).to.match(/rollout of devops stopped at wave 2\/3/);
    expect(run.output).to.match(/Wave 2: member3 InstallFailed, member4 Installed\./);
    expect(run.output).to.match(/never touched: member5, member6/);
    expect(recorder.jobs.slice(jobsFrom).map((j) => j.name)).to.deep.equal([]);
    // Nothing written: the live placement already held wave 2, so the rollout only waited.
    expect(recorder.plans.slice(plansFrom).map((o) => o.rv)).to.deep.equal([]);
    for (const c of WAVES[2]) expect(firstPlaced(recorder.plans, c), `${c} was written into the placement`).to.equal(-1);
    marks[0] = recorder.plans.length;
    jobsAfterUp1 = [...recorder.jobs];
  });

  it("2. with member3's override changed the next `up` resumes at wave 2 (no new Job on wave 1) and completes; a third `up` is a no-op", async () => {
    setStackConfig(stackConfig({ overrides: { [FAULTED]: FIX_OVERRIDE } }));
    const preview = await pulumi(e, ["preview", "--diff", "--stack", STACK], PROGRAM);
    keep("preview-2.txt", preview.output);
    expect(preview.code, preview.output).to.equal(0);

    const run = await up(e);
    keep("up-2.txt", run.output);
    await new Promise((r) => setTimeout(r, 1000));
    marks.push(recorder.plans.length);
    keep("record-all.json", JSON.stringify(recorder.plans, null, 1));
    keep("jobs.json", JSON.stringify(recorder.jobs, null, 1));
    inversions.push(...progressInversions(run.output).map((i) => `up 2: ${i}`));
    expect(run.code, run.output).to.equal(0);
    expect(recorder.gaps, recorder.gaps.join("\n")).to.deep.equal([]);
    expect(run.output).to.match(/wave 1\/3[^\n]*already done, skipped|wave 1\/3: unchanged member1, member2 \(done: skipped\)/);

    // Wave 1 not re-run: no Job for member1/member2 after the first `up`.
    const newJobs = recorder.jobs.slice(jobsAfterUp1.length);
    expect(newJobs.filter((j) => WAVES[0].includes(j.cluster ?? "")).map((j) => j.name), JSON.stringify(newJobs)).to.deep.equal([]);
    // The failed agent ran again (the override changed its config); wave 3 installed.
    expect(newJobs.filter((j) => j.cluster === FAULTED).length, JSON.stringify(newJobs)).to.equal(1);
    for (const c of WAVES[2]) expect(newJobs.filter((j) => j.cluster === c).length, `${c}: ${JSON.stringify(newJobs)}`).to.equal(1);

    // Order over the whole record (both runs): every wave written only after the previous one was Installed.
    const rec = recorder.plans;
    const live = kubectlJson(e, `installplans.kubesphere.io ${EXT}`) as InstallPlan;
    const hashes = Object.fromEntries(MEMBERS.map((c) => [c, live.status!.clusterSchedulingStatuses![c].configHash!]));
    expect(hashes[FAULTED]).to.not.equal(hashes.member4); // the override reached member3's agent only
    // member3's Installed entry with its final hash came after member3's failure; wave 3 after it.
    expect(waveOrderViolations(rec, WAVES, { version: VERSION, hashes })).to.deep.equal([]);
    const rows = waveTimeline(rec, WAVES, { version: VERSION, hashes });
    for (const c of WAVES[2]) expect(rows.find((r) => r.cluster === c)!.writtenIndex).to.be.at.least(marks[0]);
    expect(live.spec.clusterScheduling?.placement?.clusters).to.deep.equal(MEMBERS);
    expect(YAML.parse(live.spec.clusterScheduling?.overrides?.[FAULTED] ?? "")).to.deep.equal(FIX_OVERRIDE);
    for (const c of MEMBERS) expect(live.status!.clusterSchedulingStatuses![c], c).to.include({ state: "Installed", version: VERSION });

    const table = [...timelineTable(rows), ...failureNotes(rec, MEMBERS)];
    const relative = formatRecordTimeline(rows);
    keep("timeline.txt", [...table, "", ...relative, "", "Jobs (ADDED, API watch):",
      ...recorder.jobs.map((j) => `  ${new Date(j.at).toISOString()}  ${j.name}  ${j.action ?? ""}  ${j.cluster ?? "(host)"}`)].join("\n") + "\n");
    console.log(["      wave timeline over both runs (from the API watch):", ...table.map((l) => `        ${l}`)].join("\n"));

    const out = JSON.parse((await pulumi(e, ["stack", "output", "--json", "--stack", STACK], PROGRAM)).stdout);
    expect(out.state).to.equal("Installed");
    expect(out.rolloutWaves).to.deep.equal(WAVES);

    const rvBefore = live.metadata.resourceVersion;
    const again = await up(e, ["--expect-no-changes"]);
    keep("up-3.txt", again.output);
    expect(again.code, again.output).to.equal(0);
    expect(kubectlJson(e, `installplans.kubesphere.io ${EXT}`).metadata.resourceVersion).to.equal(rvBefore);
  });

  it("3. the Kubernetes provider and the rollout do not fight over spec.clusterScheduling: refresh is clean, a config change keeps the placement", async () => {
    // After a refresh the provider's state holds the live object, placement included.
    const refresh = await pulumi(e, ["refresh", "--yes", "--skip-preview", "--stack", STACK], PROGRAM);
    keep("refresh.txt", refresh.output);
    expect(refresh.code, refresh.output).to.equal(0);
    const preview = await pulumi(e, ["preview", "--diff", "--expect-no-changes", "--stack", STACK], PROGRAM);
    keep("preview-after-refresh.txt", preview.output);
    expect(preview.code, preview.output).to.equal(0);

    // A config change is written by the provider (the InstallPlan resource) and re-runs the host and
    // every placed agent; the placement the rollout wrote must survive that write.
    const from = recorder.plans.length;
    const jobsFrom = recorder.jobs.length;
    setStackConfig(stackConfig({ overrides: { [FAULTED]: FIX_OVERRIDE }, config: { agent: { controller: { replicas: 1 } } } }));
    const run = await up(e);
    keep("up-4-config.txt", run.output);
    await new Promise((r) => setTimeout(r, 1000));
    keep("record-config-change.json", JSON.stringify(recorder.plans.slice(from), null, 1));
    expect(run.code, run.output).to.equal(0);
    expect(recorder.gaps, recorder.gaps.join("\n")).to.deep.equal([]);
    const versions = recorder.plans.slice(from);
    expect(versions.length).to.be.greaterThan(0);
    const shrunk = versions.filter((o) => MEMBERS.some((c) => !placedIn(o.plan, c)));
    expect(shrunk.map((o) => `rv ${o.rv}: ${JSON.stringify(o.plan.spec.clusterScheduling)}`)).to.deep.equal([]);
    const live = kubectlJson(e, `installplans.kubesphere.io ${EXT} --show-managed-fields`);
    keep("managed-fields-final.json", JSON.stringify(live.metadata.managedFields, null, 1));
    expect(live.spec.config).to.equal("agent:\n  controller:\n    replicas: 1\n");
    for (const c of MEMBERS) expect(live.status.clusterSchedulingStatuses[c], c).to.include({ state: "Installed", version: VERSION });
    // The host and all six agents ran again (one Job each), as KubeSphere does for a config change.
    const jobs = recorder.jobs.slice(jobsFrom);
    expect(jobs.filter((j) => j.cluster === undefined).length, JSON.stringify(jobs)).to.equal(1);
    for (const c of MEMBERS) expect(jobs.filter((j) => j.cluster === c).length, `${c}: ${JSON.stringify(jobs)}`).to.equal(1);
    const owners = specOwners(live, "f:clusterScheduling");
    expect(owners).to.deep.equal(["kubesphere-ext-rollout"]);
    // The provider (server-side apply) owns what the InstallPlan resource writes, and nothing of the placement.
    expect(specOwners(live, "f:config")).to.have.length(1);
    expect(specOwners(live, "f:config")[0]).to.match(/^pulumi-kubernetes/);
    inversions.push(...progressInversions(run.output).map((i) => `up 4: ${i}`));

    // Reported, not asserted: the CLI's order of the rollout's progress lines (see the report).
    keep("progress-inversions.txt", inversions.join("\n") + "\n");
    if (inversions.length > 0) console.log(["      progress lines shown out of order by the CLI:", ...inversions.map((l) => `        ${l}`)].join("\n"));
  });
});
