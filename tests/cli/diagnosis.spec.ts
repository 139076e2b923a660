import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { diagnose, DiagnosisInput, hasProblems, JobEvidence } from "../../cli/diagnosis";
import { renderDiagnosis } from "../../cli/commands/diagnose";
import { makeStyle } from "../../cli/output";
import type { Cluster, InstallPlan } from "../../components/kubesphere/types";
import { assessInstallPlan, type ExpectedInstallPlan } from "../../components/readiness/assess";
import { fnv1a64Hex } from "../../components/config/configHash";

const FIXTURES = path.resolve(__dirname, "../fixtures/installplan");
const NOW = Date.parse("2026-01-01T01:00:00Z");

function fixturePlan(file: string): InstallPlan {
  return (YAML.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as { observed: InstallPlan }).observed;
}

function cluster(name: string, ready = true): Cluster {
  return {
    apiVersion: "cluster.kubesphere.io/v1alpha1", kind: "Cluster",
    metadata: { name, labels: name === "host" ? { "cluster-role.kubesphere.io/host": "" } : {} },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  };
}

function input(plan: InstallPlan | undefined, extra: Partial<DiagnosisInput> = {}): DiagnosisInput {
  return {
    name: plan?.spec.extension.name ?? "devops", plan, otherPlans: [], extensionVersionExists: true,
    availableVersions: ["1.1.1", "1.1.2", "1.2.0"], clusters: [cluster("host"), cluster("member1")], jobs: {},
    offline: false, now: NOW, ...extra,
  };
}

/** What diagnose expects of a plan: its own stored spec (diagnose has no other). */
function expectedOf(plan: InstallPlan): ExpectedInstallPlan {
  const clusters = plan.spec.clusterScheduling?.placement?.clusters?.filter((c) => ["host", "member1"].includes(c));
  const overrides = plan.spec.clusterScheduling?.overrides ?? {};
  const removed = Object.keys(plan.status?.clusterSchedulingStatuses ?? {}).filter((c) => !(clusters ?? []).includes(c));
  return {
    name: plan.metadata.name, version: plan.spec.extension.version, configHash: fnv1a64Hex(plan.spec.config ?? ""), enabled: plan.spec.enabled ?? false,
    clusters: clusters ? Object.fromEntries(clusters.map((c) => [c, c in overrides ? { mustDifferFrom: "" } : {}])) : undefined,
    removedClusters: removed,
  };
}

function running(name: string, pods: JobEvidence["pods"] = []): JobEvidence {
  return { info: { name, namespace: "kubesphere-devops-system", complete: false, failed: false, startTime: "2026-01-01T00:00:00Z" }, pods };
}

describe("diagnosis (pure)", () => {
  it("a failure before any Job: a warning that the controller retries by itself, not an error", () => {
    const d = diagnose(input(fixturePlan("progressing_preJobFailure.yaml")));
    expect(hasProblems(d)).to.equal(false);
    expect(d.verdict).to.equal("Progressing");
    const w = d.findings.find((f) => f.severity === "warning")!;
    expect(w.title).to.equal("UpgradeFailed before an executor Job was created: Failed to upgrade extension: repository extensions-museum not found");
    expect(w.detail).to.include("keeps retrying by itself");
  });

  it("a Pending executor pod is called out (no activeDeadlineSeconds)", () => {
    const plan = fixturePlan("progressing_installing.yaml");
    const job = plan.status!.jobName!;
    const d = diagnose(input(plan, { jobs: { [job]: running(job, [{ name: `${job}-abcde`, phase: "Pending", containers: ["helm"], logs: [] }]) } }));
    const w = d.findings.find((f) => f.severity === "warning")!;
    expect(w.title).to.equal(`executor pod ${job}-abcde is Pending`);
    expect(w.hint).to.equal(`kubectl describe pod -n ${plan.status!.targetNamespace} ${job}-abcde`);
  });

  it("a Job that is gone while Installing is the readiness rule's Stalled verdict, pointing at the Helm release", () => {
    const plan = fixturePlan("progressing_installing.yaml");
    const job = plan.status!.jobName!;
    const d = diagnose(input(plan, { jobs: { [job]: { pods: [] } } }));
    expect(d.verdict).to.equal("Stalled");
    const e = d.findings.find((f) => f.severity === "error")!;
    expect(e.title).to.contain(`executor Job ${job} no longer exists while the plan is still Installing`);
    expect(e.hint).to.match(/^helm status /);
  });

  it("uses the readiness rules' own decisions and texts, for every fixture (one set of rules)", () => {
    const files = fs.readdirSync(FIXTURES).filter((f) => /^(failed|stalled|progressing_preJob)/.test(f));
    expect(files.length).to.be.at.least(10);
    let judged = 0;
    for (const file of files) {
      const doc = YAML.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as { observed: InstallPlan; context?: { now?: string; jobs?: Record<string, { complete: boolean; failed: boolean; completionTime?: string }> } };
      const plan = doc.observed;
      if (plan.metadata.deletionTimestamp) continue;
      const now = doc.context?.now ? Date.parse(doc.context.now) : NOW;
      // The fixture's Job facts, as diagnose reads them from the cluster.
      const jobs: Record<string, JobEvidence> = Object.fromEntries(Object.entries(doc.context?.jobs ?? {}).map(([n, j]) =>
        [n, { info: { name: n, namespace: "ns", complete: j.complete, failed: j.failed, finishedTime: j.completionTime }, pods: [] }]));
      const d = diagnose(input(plan, { jobs, now }));
      const a = assessInstallPlan(plan, expectedOf(plan), { now, jobs: doc.context?.jobs });
      expect(d.verdict, file).to.equal(a.status);
      if (a.status === "Failed" || a.status === "Stalled") {
        const scope = a.decidedBy ? `cluster ${a.decidedBy}` : "host";
        const msg = a.decidedBy ? a.clusters[a.decidedBy].message : a.host.message;
        expect(d.findings.some((f) => f.severity === "error" && f.scope === scope && f.title === msg), `${file}: ${JSON.stringify(d.findings.map((f) => f.title))}`).to.equal(true);
        judged++;
      }
    }
    expect(judged, "Failed/Stalled fixtures compared").to.be.at.least(8);
  });

  it("a Job that cannot be read (RBAC) is reported, the rest of the diagnosis still runs", () => {
    const plan = fixturePlan("progressing_installing.yaml");
    const job = plan.status!.jobName!;
    const d = diagnose(input(plan, { jobs: { [job]: { error: "not allowed to read Job: forbidden", pods: [] } } }));
    expect(d.findings[0]).to.deep.include({ severity: "warning", title: `cannot read executor Job ${job}`, detail: "not allowed to read Job: forbidden" });
    expect(d.plan?.state).to.equal("Installing");
  });

  it("a plan not named after its extension, and a second plan for the same extension", () => {
    const plan = fixturePlan("ready_installed.yaml");
    const renamed: InstallPlan = { ...plan, metadata: { ...plan.metadata, name: "my-devops" } };
    const d = diagnose(input(renamed, { name: "devops", otherPlans: [plan] }));
    expect(hasProblems(d)).to.equal(true);
    expect(d.findings.map((f) => `${f.severity}: ${f.title}`)).to.include.members([
      `error: InstallPlan ${plan.metadata.name} also manages devops`,
      "warning: the InstallPlan is named my-devops, not devops",
    ]);
  });

  it("placement naming a missing cluster, and an unschedulable one", () => {
    const plan = fixturePlan("ready_multicluster.yaml");
    plan.spec.clusterScheduling = { placement: { clusters: ["host", "member1", "ghost"] } };
    const d = diagnose(input(plan, { clusters: [cluster("host"), cluster("member1", false)] }));
    const titles = d.findings.map((f) => f.title);
    expect(titles).to.include("placement names cluster(s) that do not exist: ghost");
    expect(titles).to.include("cluster(s) not schedulable now: member1");
    expect(d.clusters.find((c) => c.name === "member1")?.targeted).to.equal(false);
  });

  it("a deletion waiting on an agent whose cluster is not Ready is an error (it retries for ever)", () => {
    const plan = fixturePlan("ready_multicluster.yaml");
    plan.metadata.deletionTimestamp = "2026-01-01T00:30:00Z";
    plan.metadata.finalizers = ["kubesphere.io/installplan-protection"];
    const d = diagnose(input(plan, { clusters: [cluster("host"), cluster("member1", false)] }));
    expect(hasProblems(d)).to.equal(true);
    expect(d.findings[0].title).to.equal("the agent uninstall waits on cluster(s) that are not Ready: member1");
    const healthy = diagnose(input(plan));
    expect(healthy.findings.map((f) => f.title)).to.not.include("the agent uninstall waits on cluster(s) that are not Ready: member1");
  });

  it("the human rendering lists conditions newest first and has no colour when the sink is not a TTY", () => {
    const d = diagnose(input(fixturePlan("failed_installFailed.yaml")));
    const text = renderDiagnosis(d, makeStyle({ write: () => undefined, isTTY: false }, {}));
    expect(text).to.not.match(/\u001b\[/);
    expect(text).to.include("Conditions (newest first — conditions[0] is the current one):");
    const rows = text.split("\n").filter((l) => /^  (Installed|Initialized)\s/.test(l)).map((l) => l.trim().split(/\s{3,}/).slice(0, 3));
    expect(rows[0]).to.deep.equal(["Installed", "False", "InstallFailed"]);
    expect(text).to.match(/ERROR\s+\[host\] InstallFailed: /);
  });
});
