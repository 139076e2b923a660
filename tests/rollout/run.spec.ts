/**
 * `runRollout` end to end in process: the simulator's API server on loopback, the InstallPlan
 * controller simulator (auto mode) and the real `@kubernetes/client-node` client. The order of writes
 * and status changes is asserted from the API server's own record: every InstallPlan change the store
 * makes, in resourceVersion order (the same stream its watches serve).
 */
import { expect } from "chai";
import { fnv1a64Hex } from "../../components/config/configHash";
import { KubeClient } from "../../components/kube/client";
import type { ClusterScheduling, InstallPlan } from "../../components/kubesphere/types";
import { awaitReady } from "../../components/readiness/providerRuntime";
import { expectedInstallPlan } from "../../components/readiness/expected";
import { clientRolloutApi } from "../../components/rollout/kubeApi";
import { RolloutInputError } from "../../components/rollout/plan";
import { formatTimeline, RolloutFailedError, runRollout, type RolloutInput } from "../../components/rollout/run";
import { ControllerSimulator } from "../../simulator/controller";
import type { ExecutorFault } from "../../simulator/controllerFaults";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { planObject } from "../readiness/support";
import { formatRecordTimeline, waveOrderViolations, waveTimeline, type PlanObservation } from "./record";

const EXT = "devops";
const VERSION = "1.1.2";
const CFG = "replicas: 1\n";
const FAST = { pollIntervalMs: 100, backoff: { initialMs: 5, maxMs: 40 }, logSettleMs: 200 };
const MEMBERS = ["m1", "m2", "m3", "m4", "m5"];

/** One InstallPlan change as the API server recorded it (a summary, next to the object itself). */
interface PlanRecord extends PlanObservation {
  /** Order of the change (the store's resourceVersion). */
  rv: number;
  /** Real time the store made the change. */
  at: number;
  /** `spec.clusterScheduling.placement.clusters` after the change. */
  placed: string[];
  /** Per cluster entry: state, version and config hash after the change. */
  entries: Record<string, { state?: string; version?: string; configHash?: string }>;
}

interface World {
  env: FakeCluster;
  sim: ControllerSimulator;
  record: PlanRecord[];
  /** Names of the executor Jobs created, in order. */
  jobs: string[];
  lines: string[];
  plan(): InstallPlan;
  /** Creates the plan with `scheduling` (as the Kubernetes provider would on the first `up`). */
  create(scheduling: ClusterScheduling): void;
  /** One `pulumi up` of the readiness resource: rollout to `desired` with `rollout`. */
  up(rollout: unknown, desired: ClusterScheduling, opts?: { signal?: AbortSignal; timeoutMs?: number }): ReturnType<typeof runRollout>;
  close(): Promise<void>;
}

async function world(faults: ExecutorFault[] = []): Promise<World> {
  const env = await startFakeCluster({ members: MEMBERS });
  const sim = await ControllerSimulator.start({ store: env.server.store, mode: "auto", faults });
  const record: PlanRecord[] = [];
  const lines: string[] = [];
  const jobs: string[] = [];
  const unsubscribe = env.server.store.subscribe((e) => {
    if (e.resource.plural === "jobs" && e.type === "ADDED") jobs.push(e.object.metadata.name);
    if (e.resource.plural !== "installplans") return;
    const p = e.object as unknown as InstallPlan;
    const entries = Object.fromEntries(Object.entries(p.status?.clusterSchedulingStatuses ?? {}).map(([c, s]) => [c, { state: s.state, version: s.version, configHash: s.configHash }]));
    record.push({ plan: p, rv: Number(p.metadata.resourceVersion), at: Date.now(), placed: [...(p.spec.clusterScheduling?.placement?.clusters ?? [])], entries });
  });
  const api = clientRolloutApi(new KubeClient(env.kc));
  const ac = new AbortController();
  const plan = () => env.server.store.get("installplans", EXT) as unknown as InstallPlan;
  return {
    env, sim, record, jobs, lines, plan,
    create(scheduling) {
      const p = planObject(EXT, VERSION, CFG, true);
      p.spec.clusterScheduling = scheduling;
      env.server.store.create("installplans", p as never);
    },
    up(rollout, desired, opts = {}) {
      // What the component computes at preview: the expectation of the whole desired spec against the live plan.
      const live = plan();
      const desiredPlan = planObject(EXT, VERSION, CFG, true);
      desiredPlan.spec.clusterScheduling = desired;
      const targets = desired.placement?.clusters ?? [];
      const expected = expectedInstallPlan({ plan: desiredPlan, targetClusters: targets, previous: live });
      return runRollout({
        api, planName: EXT, expected, rollout: { rollout, desired, targets, installationMode: "Multicluster" },
        timeoutMs: opts.timeoutMs ?? 20_000, onProgress: (l) => lines.push(l), signal: opts.signal ?? ac.signal, wait: FAST,
      });
    },
    async close() { ac.abort(); unsubscribe(); sim.stop(); await env.close(); },
  };
}

async function rejection<T>(p: Promise<unknown>): Promise<T> {
  return p.then(() => { throw new Error("expected the rollout to fail, but it resolved"); }, (e) => e as T);
}

/** Index (in the record) of the first change that placed `c`. */
function firstPlaced(record: PlanRecord[], c: string): number {
  return record.findIndex((r) => r.placed.includes(c));
}

/** Index of the first change after which `c`'s entry is Installed (with `hash`, when given). */
function firstInstalled(record: PlanRecord[], c: string, hash?: string): number {
  return record.findIndex((r) => r.entries[c]?.state === "Installed" && (hash === undefined || r.entries[c]?.configHash === hash));
}

/** Asserts from the record: no cluster of wave N+1 was placed before every cluster of wave N was Installed (with its hash). */
function expectWaveOrder(record: PlanRecord[], waves: string[][], hashes: Record<string, string> = {}, version = VERSION): void {
  const all = Object.fromEntries(waves.flat().map((c) => [c, hashes[c] ?? fnv1a64Hex(CFG)]));
  expect(waveOrderViolations(record, waves, { version, hashes: all })).to.deep.equal([]);
}

const explicit = (clusters: string[], overrides?: Record<string, string>): ClusterScheduling =>
  ({ placement: { clusters }, ...(overrides ? { overrides } : {}) });

describe("rollout against the controller simulator", function () {
  this.timeout(60_000);
  let w: World;
  afterEach(async () => { await w?.close(); });

  it("three waves, in order: wave N+1 is written only after every cluster of wave N is Installed", async () => {
    w = await world();
    const waves = [["m1", "m2"], ["m3", "m4"], ["m5"]];
    w.create(explicit(waves[0])); // the plan's first placement is the first wave
    const r = await w.up({ waves }, explicit(MEMBERS));
    expectWaveOrder(w.record, waves);
    const rows = waveTimeline(w.record, waves, { version: VERSION });
    expect(rows.map((x) => x.cluster)).to.deep.equal(MEMBERS);
    expect(rows.every((x) => x.installedAt! >= x.writtenAt!)).to.equal(true);
    expect(formatRecordTimeline(rows)).to.have.length(6);
    // The same record read with the waves swapped is out of order: the check can fail.
    expect(waveOrderViolations(w.record, [waves[1], waves[0], waves[2]], { version: VERSION })[0]).to.match(/^wave 2: m1 was placed \(change #\d+\) before wave 1 was Installed/u);
    expect(r.timeline.map((t) => [t.number, t.clusters, t.skipped])).to.deep.equal([[1, ["m1", "m2"], false], [2, ["m3", "m4"], false], [3, ["m5"], false]]);
    expect(r.timeline[0].writtenAt, "wave 1 was already placed by the create").to.equal(undefined);
    expect(r.timeline[1].writtenAt).to.be.a("number");
    for (const t of r.timeline) for (const c of t.clusters) expect(t.settledAt[c]).to.be.at.least(t.writtenAt ?? 0);
    expect(r.ready.clusterStates).to.deep.equal(Object.fromEntries(MEMBERS.map((c) => [c, { state: "Installed", version: VERSION }])));
    expect(w.plan().spec.clusterScheduling).to.deep.equal(explicit(MEMBERS));
    expect(w.lines.slice(0, 4)).to.deep.equal(["rollout of devops: 3 waves", "  wave 1/3: finish m1, m2", "  wave 2/3: add m3, m4", "  wave 3/3: add m5"]);
    expect(w.env.server.countRequests({ verb: "patch", resource: "installplans" }), "one placement patch per written wave").to.equal(2);
    const timeline = formatTimeline(r.timeline, 3);
    expect(timeline).to.have.length(5);
    expect(timeline[0]).to.match(/^wave 1\/3 m1: written before this run, Installed \d{4}-\d\d-\d\dT[\d:.]+Z$/u);
    expect(timeline[2]).to.match(/^wave 2\/3 m3: written \d{4}-[\dT:.-]+Z, Installed \d{4}-[\dT:.-]+Z \(\+\d+\.\d\d s\)$/u);
    expect(w.lines.slice(-6)).to.deep.equal(["rollout of devops: done", ...timeline.map((l) => `  ${l}`)]);
    // A second `up` with nothing changed writes nothing.
    const again = await w.up({ waves }, explicit(MEMBERS));
    expect(again.timeline.every((t) => t.skipped)).to.equal(true);
    expect(w.env.server.countRequests({ verb: "patch", resource: "installplans" })).to.equal(2);
  });

  it("a fault on one cluster of wave 2 stops the rollout naming it, with its Job log; wave 3 is never written", async () => {
    w = await world([{ effect: "fail", extension: EXT, cluster: "m3", error: "Deployment devops-agent: ImagePullBackOff" }]);
    w.create(explicit([]));
    const err = await rejection<RolloutFailedError>(w.up({ batchSize: 2 }, explicit(MEMBERS)));
    expect(err).to.be.instanceOf(RolloutFailedError);
    expect(err.wave).to.equal(2);
    expect(err.cluster).to.equal("m3");
    expect(err.done).to.deep.equal(["m1", "m2"]);
    expect(err.neverTouched).to.deep.equal(["m5"]);
    expect(err.message).to.match(/^rollout of devops stopped at wave 2\/3 \(add m3, m4\): /u);
    expect(err.message).to.contain("(agent on cluster m3) failed").and.contain("ImagePullBackOff").and.contain("lines of pod helm-install-devops-agent-");
    expect(err.message).to.contain("done: m1, m2; never touched: m5.");
    expect(err.message).to.contain("The next `pulumi up` resumes at wave 2");
    expect(err.message).to.contain("change the override of m3 in clusterScheduling.overrides");
    // One piece of advice: `retry` would re-run the host and every agent, so it is not offered for an agent.
    expect(err.message).to.not.contain("set `retry:");
    expect(firstPlaced(w.record, "m5"), "m5 was never placed").to.equal(-1);
    expect(w.plan().spec.clusterScheduling!.placement!.clusters).to.deep.equal(["m1", "m2", "m3", "m4"]);
  });

  it("a wave that does not finish in time stops the rollout the same way (timeout per wave)", async () => {
    w = await world([{ effect: "hang", extension: EXT, cluster: "m4" }]);
    w.create(explicit([]));
    const err = await rejection<RolloutFailedError>(w.up({ batchSize: 2 }, explicit(MEMBERS), { timeoutMs: 1_500 }));
    expect(err).to.be.instanceOf(RolloutFailedError);
    expect(err.wave).to.equal(2);
    expect(err.message).to.match(/^rollout of devops stopped at wave 2\/3 \(add m3, m4\): /u);
    expect(err.message).to.contain("Wave 2: m3 Installed, m4 Installing.").and.contain("done: m1, m2; never touched: m5.");
    expect(err.message).to.not.contain("change the override");
    expect(firstPlaced(w.record, "m5")).to.equal(-1);
  });

  it("a failing agent uninstall stops a removal wave, naming the cluster; the next removal wave is not written", async () => {
    w = await world([{ effect: "fail", extension: EXT, cluster: "m5", action: "uninstall", error: "cluster m5: connection refused" }]);
    w.create(explicit(MEMBERS));
    await w.up({ batchSize: 2 }, explicit(MEMBERS));
    const err = await rejection<RolloutFailedError>(w.up({ batchSize: 2 }, explicit(["m1"])));
    expect(err.wave).to.equal(2);
    expect(err.cluster).to.equal("m5");
    expect(err.message).to.contain("(remove m4, m5)").and.contain("connection refused").and.contain("Wave 2: m4 removed, m5 still UninstallFailed.");
    expect(err.neverTouched).to.deep.equal(["m2", "m3"]);
    expect(w.plan().spec.clusterScheduling!.placement!.clusters).to.deep.equal(["m1", "m2", "m3"]);
  });

  it("the next up resumes: wave 1 is not re-run, the fixed wave 2 and wave 3 complete", async () => {
    w = await world([{ effect: "fail", extension: EXT, cluster: "m3", error: "Deployment devops-agent: ImagePullBackOff" }]);
    w.create(explicit([]));
    await rejection<RolloutFailedError>(w.up({ batchSize: 2 }, explicit(MEMBERS)));
    const jobsBefore = w.jobs.length;
    const m1Job = w.plan().status!.clusterSchedulingStatuses!.m1.jobName;
    const resumeFrom = w.record.length;
    // The fix: KubeSphere re-runs a failed agent only when its config changes, so the user gives m3 an override.
    w.sim.faults.clear();
    const fixed = explicit(MEMBERS, { m3: "image: mirror.local/devops-agent\n" });
    w.lines.length = 0;
    const r = await w.up({ batchSize: 2 }, fixed);
    expect(w.lines.slice(0, 4)).to.deep.equal(["rollout of devops: 3 waves (1 already done)", "  wave 1/3: unchanged m1, m2 (done: skipped)", "  wave 2/3: update m3; unchanged m4", "  wave 3/3: add m5"]);
    expect(r.timeline.map((t) => t.skipped)).to.deep.equal([true, false, false]);
    expect(w.plan().status!.clusterSchedulingStatuses!.m1.jobName, "m1 not re-run").to.equal(m1Job);
    // Exactly two executor runs: m3's re-install (after InstallFailed it is an install again, §2.10) and m5's install.
    const entries = w.plan().status!.clusterSchedulingStatuses!;
    expect(w.jobs.slice(jobsBefore)).to.deep.equal([entries.m3.jobName, entries.m5.jobName]);
    const m3Hash = w.plan().status!.clusterSchedulingStatuses!.m3.configHash!;
    expectWaveOrder(w.record.slice(resumeFrom), [["m3", "m4"], ["m5"]], { m3: m3Hash });
    expect(w.plan().spec.clusterScheduling).to.deep.equal(fixed);
    expect(Object.values(w.plan().status!.clusterSchedulingStatuses!).map((e) => e.state)).to.deep.equal(Array(5).fill("Installed"));
  });

  it("an interrupted up (cancelled mid wave 2) resumes at wave 2 without rewriting wave 1", async () => {
    w = await world([{ effect: "slow", extension: EXT, cluster: "m3", delayMs: 200_000 }]);
    w.create(explicit([]));
    const ac = new AbortController();
    const first = w.up({ batchSize: 2 }, explicit(MEMBERS), { signal: ac.signal });
    while (!w.lines.some((l) => l.startsWith("wave 2/3"))) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await first.then(() => undefined, () => undefined);
    w.lines.length = 0;
    const r = await w.up({ batchSize: 2 }, explicit(MEMBERS));
    expect(w.lines[2]).to.equal("  wave 2/3: finish m3, m4");
    expect(r.timeline.map((t) => [t.skipped, t.writtenAt === undefined])).to.deep.equal([[true, true], [false, true], [false, false]]);
    expectWaveOrder(w.record, [["m1", "m2"], ["m3", "m4"], ["m5"]]);
  });

  it("a version change in the same up upgrades the placed agents with the host; new clusters still come wave by wave", async () => {
    w = await world();
    w.create(explicit(["m1", "m2"]));
    await w.up({ batchSize: 2 }, explicit(["m1", "m2"]));
    const from = w.record.length;
    // The InstallPlan resource's update (the version); the rollout owns the placement.
    w.env.server.store.patch("installplans", EXT, undefined, "merge", { spec: { extension: { version: "1.1.3" } } });
    const desiredPlan = planObject(EXT, "1.1.3", CFG, true);
    desiredPlan.spec.clusterScheduling = explicit(MEMBERS);
    const r = await runRollout({
      api: clientRolloutApi(new KubeClient(w.env.kc)), planName: EXT, timeoutMs: 20_000, wait: FAST, onProgress: (l) => w.lines.push(l),
      expected: expectedInstallPlan({ plan: desiredPlan, targetClusters: MEMBERS, previous: w.plan() }),
      rollout: { rollout: { batchSize: 2 }, desired: explicit(MEMBERS), targets: MEMBERS, installationMode: "Multicluster" },
    });
    expect(r.plan.waves.map((x) => x.changes)).to.deep.equal([{ m1: "resume", m2: "resume" }, { m3: "add", m4: "add" }, { m5: "add" }]);
    const rec = w.record.slice(from);
    const upgraded = (c: string) => rec.findIndex((x) => x.entries[c]?.state === "Installed" && x.entries[c]?.version === "1.1.3");
    expect(upgraded("m1")).to.be.at.least(0);
    expect(Math.min(firstPlaced(rec, "m3"), firstPlaced(rec, "m4"))).to.be.greaterThan(Math.max(upgraded("m1"), upgraded("m2")));
    expect(Object.values(w.plan().status!.clusterSchedulingStatuses!).map((e) => e.version)).to.deep.equal(Array(5).fill("1.1.3"));
  });

  it("removals run wave by wave in reverse: the last batch leaves first, the next only once it is gone", async () => {
    w = await world();
    w.create(explicit(MEMBERS));
    await w.up({ batchSize: 2 }, explicit(MEMBERS));
    const from = w.record.length;
    const r = await w.up({ batchSize: 2 }, explicit(["m1"]));
    expect(r.plan.waves.map((x) => [x.kind, x.clusters, x.done])).to.deep.equal([["apply", ["m1"], true], ["remove", ["m4", "m5"], false], ["remove", ["m2", "m3"], false]]);
    const rec = w.record.slice(from);
    const unplaced = (c: string) => rec.findIndex((x) => !x.placed.includes(c));
    const gone = (c: string) => rec.findIndex((x) => x.entries[c] === undefined);
    expect(Math.min(unplaced("m2"), unplaced("m3"))).to.be.greaterThan(Math.max(gone("m4"), gone("m5")));
    expect(unplaced("m4")).to.equal(unplaced("m5"));
    expect(Object.keys(w.plan().status!.clusterSchedulingStatuses!)).to.deep.equal(["m1"]);
    expect(w.plan().spec.clusterScheduling).to.deep.equal(explicit(["m1"]));
  });

  it("honours the pause: the next wave is written pauseSeconds after the previous one was Installed", async () => {
    w = await world();
    w.create(explicit([]));
    const r = await w.up({ waves: [["m1"], ["m2"]], pauseSeconds: 0.5 }, explicit(["m1", "m2"]));
    const installed = w.record[firstInstalled(w.record, "m1", fnv1a64Hex(CFG))].at;
    const written = w.record[firstPlaced(w.record, "m2")].at;
    expect(written - installed).to.be.at.least(500);
    expect(r.timeline[1].writtenAt! - r.timeline[0].finishedAt!).to.be.at.least(500);
    expect(w.lines).to.include("wave 1/2: pausing 0.5 s before the next wave");
  });

  it("a selector placement is staged as explicit lists and the selector is restored at the end", async () => {
    w = await world();
    w.create(explicit([]));
    // Every fixture member carries this label: the selector's matches in name order are the targets.
    const selector: ClusterScheduling = { placement: { clusterSelector: { matchExpressions: [{ key: "cluster-role.kubesphere.io/member", operator: "Exists" }] } } };
    const desiredPlan = planObject(EXT, VERSION, CFG, true);
    desiredPlan.spec.clusterScheduling = selector;
    const rollout: RolloutInput = { rollout: { batchSize: 2 }, desired: selector, targets: MEMBERS, installationMode: "Multicluster" };
    const r = await runRollout({
      api: clientRolloutApi(new KubeClient(w.env.kc)), planName: EXT, rollout, timeoutMs: 20_000, wait: FAST,
      expected: expectedInstallPlan({ plan: desiredPlan, targetClusters: MEMBERS, previous: w.plan() }),
    });
    expectWaveOrder(w.record, [["m1", "m2"], ["m3", "m4"], ["m5"]]);
    expect(w.plan().spec.clusterScheduling).to.deep.equal(selector);
    expect(Object.keys(r.ready.clusterStates)).to.deep.equal(MEMBERS);
  });

  it("refuses a bad rollout before writing anything", async () => {
    w = await world();
    w.create(explicit([]));
    const err = await rejection<RolloutInputError>(w.up({ waves: [["m1"], ["m2", "m2"]] }, explicit(["m1", "m2", "m3"])));
    expect(err).to.be.instanceOf(RolloutInputError);
    expect(err.message).to.contain('rollout.waves names "m2" more than once').and.contain('does not name "m3"').and.contain("Nothing was written.");
    expect(w.env.server.countRequests({ verb: "patch", resource: "installplans" })).to.equal(0);
  });

  it("the readiness resource's create/update delegates to the rollout when `rollout` is set", async () => {
    w = await world();
    w.create(explicit(["m1"]));
    const desiredPlan = planObject(EXT, VERSION, CFG, true);
    desiredPlan.spec.clusterScheduling = explicit(["m1", "m2", "m3"]);
    const lines: string[] = [];
    const out = await awaitReady({
      planName: EXT, kubeconfig: w.env.kubeconfig, timeoutSeconds: 20,
      expected: expectedInstallPlan({ plan: desiredPlan, targetClusters: ["m1", "m2", "m3"], previous: w.plan() }),
      rollout: { rollout: { batchSize: 1 }, desired: explicit(["m1", "m2", "m3"]), targets: ["m1", "m2", "m3"] },
    }, { onProgress: (l) => lines.push(l) });
    expect(Object.keys(out.clusterStates)).to.deep.equal(["m1", "m2", "m3"]);
    expect(lines[0]).to.equal("rollout of devops: 3 waves");
    expectWaveOrder(w.record, [["m1"], ["m2"], ["m3"]]);
  });
});
