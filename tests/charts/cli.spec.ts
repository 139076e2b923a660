/** `kubesphere-ext values` and `plan --config --charts`, in-process, on the real chart archives. */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { run } from "../../cli/main";

const CHARTS = path.resolve(__dirname, "../fixtures/charts");
const CATALOG = path.join(CHARTS, "catalog");
const OFFLINE = ["--catalog", CATALOG, "--ks-version", "v4.1.3", "--kube-version", "v1.30.4", "--cluster-names", "host,member1"];

async function cli(argv: string[], cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd });
  return { code, stdout, stderr };
}

describe("CLI: values and plan --config against the chart", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "ksext-values-")); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("values devops@1.1.2 prints the merged defaults (subcharts under their keys, global)", async () => {
    const r = await cli(["values", "devops@1.1.2", "--charts", CHARTS]);
    expect(r.code).to.equal(0);
    const v = YAML.parse(r.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(v).sort()).to.deep.equal(["agent", "extension", "global"]);
    expect((v.agent.jenkins as { Master: { resources: { limits: { memory: string } } } }).Master.resources.limits.memory).to.equal("6Gi");
    expect(v.agent.argocd).to.be.an("object"); // argo-cd subchart under its alias
    expect(r.stderr).to.include("defaults of devops 1.1.2, from").and.include("devops-1.1.2.tgz");
  });

  it("values devops --diff 1.1.1..1.1.3 shows the default changes (table, or data with -o json)", async () => {
    const t = await cli(["values", "devops", "--diff", "1.1.1..1.1.3", "--charts", CHARTS]);
    expect(t.code).to.equal(0);
    expect(t.stdout).to.match(/^CHANGE\s+PATH\s+1\.1\.1\s+1\.1\.3/);
    expect(t.stdout).to.match(/removed\s+agent\.tools\.maxAge\s+"168h"/);
    const j = await cli(["values", "devops", "--diff", "1.1.1..1.1.3", "--charts", CHARTS, "-o", "json"]);
    const data = JSON.parse(j.stdout) as { changes: Array<{ path: string; change: string; from?: unknown; to?: unknown }> };
    expect(data.changes).to.deep.include({ path: "agent.tools.image.tag", change: "changed", from: "v4.1.2", to: "v4.1.3" });
  });

  it("usage errors: --diff without A..B, offline without --charts, a missing archive", async () => {
    const bad = await cli(["values", "devops", "--diff", "1.1.1", "--charts", CHARTS]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include("--diff \"1.1.1\" is not of the form A..B");
    const noCharts = await cli(["values", "devops@1.1.2", ...OFFLINE]);
    expect(noCharts.code).to.equal(2);
    expect(noCharts.stderr).to.include("--charts DIR");
    const missing = await cli(["values", "devops@2.0.0", "--charts", CHARTS]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.include("no chart archive devops-2.0.0.tgz");
  });

  it("plan --config shows the findings with lines; --strict-config makes them errors (exit 1)", async () => {
    const config = path.join(dir, "gateway.yaml");
    fs.writeFileSync(config, "backend:\n  apiserver:\n    replicaCont: 2\n");
    const override = path.join(dir, "member1.yaml");
    fs.writeFileSync(override, "frontend:\n  enabled: \"false\"\n");
    const args = ["plan", "gateway@1.0.5", "--config", config, "--clusters", "host,member1", "--override", `member1=${override}`,
      "--declare", "whizard-telemetry@1.2.2", ...OFFLINE, "--charts", CHARTS, "-o", "yaml"];
    const r = await cli(args);
    expect(r.code).to.equal(0);
    expect(r.stderr).to.include("warning: config, line 3: unknown key backend.apiserver.replicaCont").and.include("did you mean `backend.apiserver.replicaCount`?");
    expect(r.stderr).to.include("warning: override of member1, line 2: frontend.enabled is the string \"false\"");
    expect(YAML.parse(r.stdout)).to.have.nested.property("spec.extension.name", "gateway");
    const strict = await cli([...args, "--strict-config"]);
    expect(strict.code).to.equal(1);
    expect(strict.stderr).to.include("error: config, line 3: unknown key backend.apiserver.replicaCont");
  });

  it("plan offline without --charts says the config was not checked", async () => {
    const config = path.join(dir, "ok.yaml");
    fs.writeFileSync(config, "backend:\n  apiserver:\n    replicaCount: 2\n");
    const r = await cli(["plan", "gateway@1.0.5", "--config", config, "--declare", "whizard-telemetry@1.2.2", ...OFFLINE]);
    expect(r.code).to.equal(0);
    expect(r.stderr).to.include("note: config of gateway 1.0.5 not checked against its chart: no chart source");
  });
});
