import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { LiveCatalog } from "../../components/catalog/liveCatalog";
import { resolveExtension } from "../../components/resolve/resolve";
import type { ExecutorFault } from "../../simulator/controllerFaults";
import { kubeconfigFor } from "../../simulator/fixtures";
import { installPlan, SimEnv, startSimEnv } from "../support/simulatorHarness";
import { OFFLINE, runCli } from "./runCli";

const REPO = path.resolve(__dirname, "../..");

describe("kubesphere-ext against the local fake API server", function () {
  this.timeout(60_000);
  let env: SimEnv;
  let tmp: string;
  let kubeconfig: string;

  async function start(faults: ExecutorFault[] = [], members: string[] = []): Promise<void> {
    env = await startSimEnv({ faults, members });
    kubeconfig = path.join(tmp, "kubeconfig.yaml");
    fs.writeFileSync(kubeconfig, kubeconfigFor(env.server));
  }
  /** Runs against the fake server; the CLI's clock is the simulation's plus `aheadMs`. */
  const cli = (argv: string[], aheadMs = 120_000) =>
    runCli([...argv, "--kubeconfig", kubeconfig], { now: env.clock.now().getTime() + aheadMs });

  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-live-")); });
  afterEach(async () => {
    await env?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe("catalog, versions, show and plan", () => {
    it("give the same answers live as offline for the same host (one LIST per kind)", async () => {
      await start();
      const live = await cli(["catalog", "-o", "json"]);
      expect(live.code, live.stderr).to.equal(0);
      const offline = await runCli(["catalog", ...OFFLINE, "-o", "json"]);
      const strip = (s: string) => JSON.parse(s).categories;
      expect(strip(live.stdout)).to.deep.equal(strip(offline.stdout));
      expect(JSON.parse(live.stdout).host).to.deep.include({ ksVersion: "v4.1.3", kubeVersion: "v1.30.4" });
      expect(env.server.countRequests({ verb: "list", resource: "extensionversions" })).to.equal(1);
      const versions = await cli(["versions", "devops", "-o", "json"]);
      expect(JSON.parse(versions.stdout).versions.map((v: { version: string; recommended: boolean }) => `${v.version}:${v.recommended}`))
        .to.deep.equal(["1.1.1:false", "1.1.2:false", "1.1.3:true"]);
      const show = await cli(["show", "devops@1.1.1"]);
      expect(show.stdout).to.match(/Namespace:\s+kubesphere-devops-system/);
    });

    it("plan prints exactly resolveExtension(LiveCatalog).installPlan and reflects what is installed", async () => {
      await start([], ["member1"]);
      env.store.create("installplans", installPlan("whizard-telemetry", "1.2.2"));
      await env.sim.settle();
      const r = await cli(["plan", "whizard-monitoring@1.1.1", "--clusters", "host,member1"]);
      expect(r.code, r.stderr).to.equal(0);
      const expected = (await resolveExtension(new LiveCatalog({ kubeconfig: fs.readFileSync(kubeconfig, "utf8") }),
        { name: "whizard-monitoring", version: "1.1.1", clusterScheduling: { clusters: ["host", "member1"] } })).installPlan;
      expect(YAML.parse(r.stdout)).to.deep.equal(expected);
      const table = await cli(["plan", "whizard-monitoring@1.1.1", "-o", "table"]);
      expect(table.stdout).to.match(/whizard-telemetry >= 1\.2\.1-0: installed \(1\.2\.2\)/);
      const missing = await cli(["plan", "whizard-telemetry@1.2.1"]);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.match(/version 1\.2\.1 does not exist/);
    });
  });

  describe("diagnose", () => {
    it("a healthy install: Ready, conditions newest first, the Job's log tail; exit 0", async () => {
      await start();
      env.store.create("installplans", installPlan("devops", "1.1.3"));
      await env.sim.settle();
      const r = await cli(["diagnose", "devops", "--tail", "3"]);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^devops: Ready — Installed 1\.1\.3\n/);
      const conditions = r.stdout.split("\n").filter((l) => /^  (Installed|Initialized)\s/.test(l)).map((l) => l.trim().split(/\s{3,}/)[0]);
      expect(conditions).to.deep.equal(["Installed", "Initialized"]);
      expect(r.stdout).to.match(/Job helm-install-devops-\w{6} \(host, namespace kubesphere-devops-system\): Complete at /);
      const log = r.stdout.split("--- log tail, container helm ---\n")[1].split("\n\n")[0].trimEnd().split("\n");
      expect(log, "tailLines=3").to.have.length(3);
      const json = JSON.parse((await cli(["diagnose", "devops", "-o", "json"])).stdout);
      expect(json.verdict).to.equal("Ready");
      expect(json.findings.map((f: { severity: string }) => f.severity)).to.deep.equal(["info"]);
      expect(json.jobs[0].pods[0].logs[0].container).to.equal("helm");
      expect(env.server.countRequests({ verb: "list", resource: "pods" })).to.be.greaterThan(0);
    });

    it("Job completed but plan still Installing: the clock-skew check with its hint; exit 1", async () => {
      await start([{ effect: "clockSkew", extension: "devops", skewSeconds: -30 }]);
      env.store.create("installplans", installPlan("devops", "1.1.3"));
      await env.sim.settle();
      expect(env.status("devops")?.state).to.equal("Installing");
      const r = await cli(["diagnose", "devops", "-o", "json"]);
      expect(r.code).to.equal(1);
      const d = JSON.parse(r.stdout);
      expect(d.verdict).to.equal("Stalled");
      const f = d.findings.find((x: { severity: string }) => x.severity === "error");
      // The readiness rule's own verdict text (the same the component's waiter reports).
      expect(f.title).to.match(/^executor Job helm-install-devops-\S+ completed but the plan is still Installing: this is the clock-skew stall of docs\/kubesphere-behavior\.md §6\.3/);
      expect(f.detail).to.match(/^Job helm-install-devops-\S+ completed at /);
      expect(f.hint).to.match(/NTP\/chrony.*raising `retry`/);
    });

    it("a finished Job within the grace period is not called a stall yet", async () => {
      await start([{ effect: "clockSkew", extension: "devops" }]);
      env.store.create("installplans", installPlan("devops", "1.1.3"));
      await env.sim.settle();
      const job = env.status("devops")!.jobName!;
      const done = Date.parse(String((env.store.get("jobs", job, "kubesphere-devops-system")!.status as { completionTime: string }).completionTime));
      const r = await runCli(["diagnose", "devops", "--kubeconfig", kubeconfig, "-o", "json"], { now: done + 5_000 });
      expect(r.code, r.stdout).to.equal(0);
      expect(JSON.parse(r.stdout).findings[0].title).to.match(/^Job helm-install-devops-\w+ finished 5s ago$/);
    });

    it("InstallFailed: conditions[0]'s cause, the failing log tail, and the retry hint; exit 1", async () => {
      await start([{ effect: "fail", extension: "devops", error: "timed out waiting for the condition" }]);
      env.store.create("installplans", installPlan("devops", "1.1.3"));
      await env.sim.settle();
      const r = await cli(["diagnose", "devops"]);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.match(/^devops: Failed — InstallFailed: .*timed out waiting for the condition\n/);
      expect(r.stdout).to.match(/Failed at .*: Job has reached the specified backoff limit/);
      expect(r.stdout).to.include("Error: INSTALLATION FAILED: timed out waiting for the condition");
      expect(r.stdout).to.match(/ERROR\s+\[host\] InstallFailed: .*timed out waiting for the condition/);
      expect(r.stdout).to.include("KubeSphere does not retry the same spec");
      expect(r.stdout).to.match(/→ kubectl logs -n kubesphere-devops-system -l job-name=helm-install-devops-\w+ --tail=100; fix the cause/);
    });

    it("per-cluster statuses: a failed agent on one member fails the diagnosis", async () => {
      await start([{ effect: "fail", extension: "gateway", cluster: "member1" }], ["member1"]);
      env.store.create("installplans", installPlan("gateway", "1.0.5", { clusterScheduling: { placement: { clusters: ["host", "member1"] } } }));
      await env.sim.settle();
      const r = await cli(["diagnose", "gateway", "-o", "json"]);
      expect(r.code).to.equal(1);
      const d = JSON.parse(r.stdout);
      expect(d.clusters.map((c: { name: string; state: string; readiness: string }) => [c.name, c.state, c.readiness]))
        .to.deep.equal([["host", "Installed", "Ready"], ["member1", "InstallFailed", "Failed"]]);
      expect(d.jobs.map((j: { scope: string }) => j.scope)).to.deep.equal(["host", "cluster host", "cluster member1"]);
      expect(d.summary).to.match(/^cluster member1: InstallFailed/);
    });

    it("ExtensionVersion missing: a silent no-op, with the versions that exist", async () => {
      await start();
      env.store.create("installplans", installPlan("gateway", "1.0.3"));
      await env.sim.settle();
      const r = await cli(["diagnose", "gateway", "-o", "json"]);
      expect(r.code).to.equal(1);
      const f = JSON.parse(r.stdout).findings[0];
      expect(f.title).to.equal("ExtensionVersion gateway-1.0.3 is missing: the plan is a silent no-op");
      expect(f.detail).to.include("versions that exist: 1.0.2, 1.0.4, 1.0.5");
    });

    it("ExtensionVersion missing while deleting: Terminating for ever, with the finalizer hint", async () => {
      await start();
      env.store.create("installplans", installPlan("gateway", "1.0.5"));
      await env.sim.settle();
      env.store.delete("extensionversions", "gateway-1.0.5");
      env.store.delete("installplans", "gateway");
      await env.sim.settle();
      const r = await cli(["diagnose", "gateway", "-o", "json"]);
      expect(r.code).to.equal(1);
      const d = JSON.parse(r.stdout);
      expect(d.verdict).to.equal("Stalled");
      expect(d.findings[0].title).to.equal("ExtensionVersion gateway-1.0.5 is missing, so the deletion hangs (Terminating for ever)");
      expect(d.findings[0].hint).to.include(`kubectl patch installplan gateway --type=merge -p '{"metadata":{"finalizers":null}}'`);
    });

    it("UninstallFailed: the force-delete annotation hint", async () => {
      await start([{ effect: "fail", extension: "gateway", action: "uninstall" }]);
      env.store.create("installplans", installPlan("gateway", "1.0.5"));
      await env.sim.settle();
      env.store.delete("installplans", "gateway");
      await env.sim.settle();
      expect(env.status("gateway")?.state).to.equal("UninstallFailed");
      const r = await cli(["diagnose", "gateway"]);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.match(/ERROR\s+\[host\] UninstallFailed: /);
      expect(r.stdout).to.include("→ kubectl annotate installplan gateway kubesphere.io/force-delete=true");
    });

    it("no InstallPlan: not installed, pointing at plan; exit 1", async () => {
      await start();
      const r = await cli(["diagnose", "devops", "-o", "json"]);
      expect(r.code).to.equal(1);
      const d = JSON.parse(r.stdout);
      expect(d.verdict).to.equal("NotInstalled");
      expect(d.findings[0].hint).to.equal("kubesphere-ext plan devops@1.1.3 shows the plan the component would write");
    });

    it("offline from saved YAML: reads the plan, says Jobs were not read", async () => {
      await start([{ effect: "fail", extension: "devops" }]);
      env.store.create("installplans", installPlan("devops", "1.1.3"));
      await env.sim.settle();
      const saved = path.join(tmp, "plan.yaml");
      fs.writeFileSync(saved, YAML.stringify(env.plan("devops")));
      const r = await runCli(["diagnose", "devops", ...OFFLINE, "--catalog", saved, "-o", "json"]);
      expect(r.code).to.equal(1);
      const d = JSON.parse(r.stdout);
      expect(d.verdict).to.equal("Failed");
      expect(d.jobs[0].pods).to.deep.equal([]);
      expect(d.findings.map((f: { title: string }) => f.title)).to.include("offline: Jobs and logs were not read");
    });
  });

  describe("exit code 3: cluster unreachable", () => {
    it("a server that is gone", async () => {
      await start();
      await env.server.close();
      const r = await runCli(["catalog", "--kubeconfig", kubeconfig]);
      expect(r.code).to.equal(3);
      expect(r.stderr).to.match(/^error: cannot read (Categories|Extensions|ExtensionVersions) from the cluster at http:\/\/127\.0\.0\.1:\d+/);
      const plan = await runCli(["plan", "devops@1.1.3", "--kubeconfig", kubeconfig]);
      expect(plan.code).to.equal(3);
    });

    it("a token the server rejects (401)", async () => {
      await start();
      fs.writeFileSync(kubeconfig, kubeconfigFor(env.server, { token: "wrong" }));
      const r = await runCli(["versions", "devops", "--kubeconfig", kubeconfig]);
      expect(r.code).to.equal(3);
      expect(r.stderr).to.match(/cannot read ExtensionVersions/);
    });

    it("a kubeconfig without the requested context is a usage error instead (exit 2)", async () => {
      await start();
      const r = await runCli(["catalog", "--kubeconfig", kubeconfig, "--context", "prod"]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include(`--context: the kubeconfig (--kubeconfig ${kubeconfig}) has no context "prod"; contexts: simulator`);
    });
  });

  describe("the real process", () => {
    const spawn = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(REPO, "cli/main.ts"), ...args],
        { cwd: REPO, env: { ...process.env, NO_COLOR: "" } }, (err, stdout, stderr) => {
          resolve({ code: err ? (err as { code?: number }).code ?? -1 : 0, stdout, stderr });
        });
    });

    it("sets the exit code: 2 for a usage error, 0 for a plan", async () => {
      const bad = await spawn(["plan", "devops"]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.match(/^error: plan "devops" needs an exact version/);
      const ok = await spawn(["plan", "devops@1.1.3", ...OFFLINE]);
      expect(ok.code, ok.stderr).to.equal(0);
      expect(YAML.parse(ok.stdout).metadata.name).to.equal("devops");
      expect(ok.stdout, "no colour in a pipe").to.not.match(/\u001b\[/);
    });

    it("exits 1 with every problem on stderr", async () => {
      const r = await spawn(["plan", "whizard-events@1.2.0", ...OFFLINE]);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal("");
      expect(r.stderr).to.match(/extension "whizard-events" has 2 problems/);
    });
  });
});
