/**
 * The controller simulator's `clusterScheduling` handling (docs/kubesphere-behavior.md §2.9, §2.11).
 */
import { expect } from "chai";
import { fnv1a64Hex } from "../../components/config/configHash";
import { setClusterConditions } from "../../simulator/fixtures";
import { clusterConfig } from "../../simulator/stateMachine";
import { installPlan, startSimEnv, type SimEnv } from "../support/simulatorHarness";

const NS = "kubesphere-devops-system";

describe("controller simulator: multicluster (§2.9)", () => {
  let env: SimEnv;
  afterEach(() => env.close());

  it("installs agents only after the host is Installed, as host-namespace Jobs, one failing cluster failing alone", async () => {
    env = await startSimEnv({
      members: ["member1", "member2"], extensions: ["devops"],
      faults: [{ effect: "fail", extension: "devops", cluster: "member2", error: "Kubernetes cluster unreachable" }],
    });
    const order: string[] = [];
    env.store.subscribe((e) => {
      if (e.type === "ADDED" && e.resource.plural === "jobs") order.push(e.object.metadata.name.replace(/-[a-z0-9]{6}$/u, ""));
    });
    env.store.create("installplans", installPlan("devops", "1.1.1", {
      config: "a: 1\n",
      clusterScheduling: { placement: { clusters: ["member1", "member2"] }, overrides: { member2: "b: 2\n" } },
    }));
    await env.sim.settle();
    const s = env.status("devops")!;
    expect(s.state).to.equal("Installed");
    expect(order).to.deep.equal(["helm-install-devops", "helm-install-devops-agent", "helm-install-devops-agent"]);
    const m1 = s.clusterSchedulingStatuses!.member1;
    const m2 = s.clusterSchedulingStatuses!.member2;
    expect(m1).to.include({ state: "Installed", releaseName: "devops-agent", version: "1.1.1", targetNamespace: NS, configHash: s.configHash });
    expect(m1.jobName).to.match(/^helm-install-devops-agent-[bcdfghjklmnpqrstvwxz2456789]{6}$/u);
    expect(m1.conditions!.map((c) => `${c.type}=${c.status}/${c.message}`)).to.deep.equal(["Installed=True/Install complete", "Initialized=True/The extension agent has been successfully initialized."]);
    expect(m2.state).to.equal("InstallFailed");
    expect(m2.conditions![0].message).to.equal('Release "devops-agent" failed: Kubernetes cluster unreachable');
    expect(m2.configHash).to.equal(fnv1a64Hex(clusterConfig("a: 1\n", { member2: "b: 2\n" }, "member2")));
    expect(m2.configHash).to.not.equal(s.configHash);
    // Agent Jobs run in the host, in the plan's target namespace.
    expect(env.store.get("jobs", m1.jobName!, NS)?.metadata.annotations).to.include({ "executor.kubesphere.io/action": "install" });
    const jobSpec = JSON.stringify(env.store.get("jobs", m1.jobName!, NS)?.spec);
    expect(jobSpec).to.include("tags.agent=true,tags.extension=false,global.clusterInfo.name=member1,global.clusterInfo.role=member");
    // The Extension mirrors the per-cluster statuses.
    expect(Object.keys((env.store.get("extensions", "devops")!.status as { clusterSchedulingStatuses: object }).clusterSchedulingStatuses)).to.deep.equal(["member1", "member2"]);
  });

  it("uses the selector when no clusters are listed, skips missing and unschedulable clusters, and installs when one becomes schedulable", async () => {
    env = await startSimEnv({ members: [["member1", { labels: { env: "prod" } }], ["member2", { labels: { env: "prod" }, schedulable: false }], ["member3", { labels: { env: "dev" } }]], extensions: ["devops"] });
    env.store.create("installplans", installPlan("devops", "1.1.1", { clusterScheduling: { placement: { clusterSelector: { matchLabels: { env: "prod" } } } } }));
    await env.sim.settle();
    expect(Object.keys(env.status("devops")!.clusterSchedulingStatuses!)).to.deep.equal(["member1"]);
    setClusterConditions(env.store, "member2", { schedulable: true });
    await env.sim.settle();
    expect(env.status("devops")!.clusterSchedulingStatuses!.member2?.state).to.equal("Installed");
  });

  it("lets placement.clusters win over the selector and ignores clusters that do not exist", async () => {
    env = await startSimEnv({ members: [["member1", { labels: { env: "prod" } }], "member2"], extensions: ["devops"] });
    env.store.create("installplans", installPlan("devops", "1.1.1", { clusterScheduling: { placement: { clusters: ["member2", "ghost"], clusterSelector: { matchLabels: { env: "prod" } } } } }));
    await env.sim.settle();
    expect(Object.keys(env.status("devops")!.clusterSchedulingStatuses!)).to.deep.equal(["member2"]);
    expect(env.sim.errors).to.deep.equal([]);
  });

  it("uninstalls agents of clusters removed from the placement and drops their entries; an empty placement removes all", async () => {
    env = await startSimEnv({ members: ["member1", "member2"], extensions: ["devops"] });
    env.store.create("installplans", installPlan("devops", "1.1.1", { clusterScheduling: { placement: { clusters: ["member1", "member2"] } } }));
    await env.sim.settle();
    const uninstallJobs: string[] = [];
    env.store.subscribe((e) => {
      if (e.type === "ADDED" && e.resource.plural === "jobs" && e.object.metadata.name.startsWith("helm-uninstall-")) uninstallJobs.push(e.object.metadata.name);
    });
    env.patchPlan("devops", { spec: { clusterScheduling: { placement: { clusters: ["member1"] } } } });
    await env.sim.settle({ until: () => env.status("devops")!.clusterSchedulingStatuses!.member2?.state === "Uninstalling" });
    expect(env.status("devops")!.clusterSchedulingStatuses!.member2.jobName).to.match(/^helm-uninstall-devops-agent-/u);
    await env.sim.settle();
    expect(Object.keys(env.status("devops")!.clusterSchedulingStatuses!)).to.deep.equal(["member1"]);
    expect(env.sim.releases.get({ cluster: "member2", namespace: NS, name: "devops-agent" })).to.equal(undefined);
    env.patchPlan("devops", { spec: { clusterScheduling: { placement: { clusters: [] } } } });
    await env.sim.settle();
    expect(env.status("devops")).to.not.have.property("clusterSchedulingStatuses");
    expect(uninstallJobs).to.have.length(2);
    expect(env.status("devops")!.state).to.equal("Installed");
  });

  it("upgrades agents with the host when the version changes, and re-hashes only the overridden cluster on override changes", async () => {
    env = await startSimEnv({ members: ["member1", "member2"], extensions: ["devops"] });
    env.store.create("installplans", installPlan("devops", "1.1.1", { config: "a: 1\n", clusterScheduling: { placement: { clusters: ["member1", "member2"] } } }));
    await env.sim.settle();
    const before = env.status("devops")!.clusterSchedulingStatuses!;
    env.patchPlan("devops", { spec: { clusterScheduling: { overrides: { member2: "a: 2\n" } } } });
    await env.sim.settle();
    const after = env.status("devops")!.clusterSchedulingStatuses!;
    expect(after.member1.jobName).to.equal(before.member1.jobName);
    expect(after.member2.jobName).to.match(/^helm-upgrade-devops-agent-/u);
    expect(after.member2.configHash).to.equal(fnv1a64Hex("a: 2\n"));
    env.patchPlan("devops", { spec: { extension: { version: "1.1.2" } } });
    await env.sim.settle();
    const s = env.status("devops")!;
    expect([s.version, s.clusterSchedulingStatuses!.member1.version, s.clusterSchedulingStatuses!.member2.version]).to.deep.equal(["1.1.2", "1.1.2", "1.1.2"]);
    expect(s.clusterSchedulingStatuses!.member1.conditions![0]).to.include({ type: "Upgraded", status: "True" });
  });

  it("errors and retries while a member cluster is unreachable, installs once it is back, and cannot uninstall without it", async () => {
    env = await startSimEnv({ members: ["member1", "member2"], extensions: ["devops"], unreachableClusters: ["member2"] });
    env.store.create("installplans", installPlan("devops", "1.1.1", { clusterScheduling: { placement: { clusters: ["member1", "member2"] } } }));
    await env.sim.settle();
    let s = env.status("devops")!;
    expect(s.state).to.equal("Installed");
    expect(Object.keys(s.clusterSchedulingStatuses!)).to.deep.equal(["member1"]);
    expect(env.sim.errors.at(-1)!.message).to.match(/^Kubernetes cluster unreachable: Get "https:\/\/member2\./u);
    env.sim.setClusterReachable("member2", true);
    env.sim.enqueue("devops");
    await env.sim.settle();
    s = env.status("devops")!;
    expect(s.clusterSchedulingStatuses!.member2.state).to.equal("Installed");
    env.sim.setClusterReachable("member2", false);
    env.store.delete("installplans", "devops");
    await env.sim.settle();
    expect(env.plan("devops")!.metadata.deletionTimestamp).to.be.a("string");
    expect(Object.keys(env.status("devops")!.clusterSchedulingStatuses!)).to.include("member2");
  });

  it("records an error and retries with backoff when clusterScheduling has no placement", async () => {
    env = await startSimEnv({ members: ["member1"], extensions: ["devops"], maxRetries: 3 });
    env.store.create("installplans", installPlan("devops", "1.1.1", { clusterScheduling: { overrides: { member1: "a: 1" } } }));
    await env.sim.settle();
    expect(env.status("devops")!.state).to.equal("Installed");
    expect(env.sim.errors.length).to.be.at.least(4);
    expect(env.sim.errors.every((e) => e.where === "reconcile devops" && e.message.includes("nil pointer dereference"))).to.equal(true);
    expect(env.sim.log.at(-1)).to.match(/giving up on devops after 3 retries \(until its next event\)$/u);
  });
});
