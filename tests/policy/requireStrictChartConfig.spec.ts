import { expect } from "chai";
import * as path from "path";
import { requireStrictChartConfig as policy } from "../../policy-pack/policies";
import { resourceArgs, runResourcePolicy, UNKNOWN } from "./support";

/** The chart archives the chart-config tests use (copied from the museum; no read of shared/). */
const CHARTS = path.resolve(__dirname, "../fixtures/charts");

function plan(config?: string, overrides?: Record<string, string>): Record<string, any> {
  return {
    apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "gateway" },
    spec: {
      extension: { name: "gateway", version: "1.0.5" }, enabled: true, upgradeStrategy: "Manual",
      ...(config !== undefined ? { config } : {}),
      ...(overrides ? { clusterScheduling: { placement: { clusters: Object.keys(overrides) }, overrides } } : {}),
    },
  };
}

describe("policy kubesphere-installplan-strict-chart-config", function () {
  this.timeout(30_000);
  const run = (props: Record<string, any>, cfg: object) => runResourcePolicy(policy, resourceArgs(props, cfg, { name: "gateway" }));

  it("checks nothing without chartsDir, without reading the plan", async () => {
    const props = plan();
    props.spec = UNKNOWN;
    expect(await run(props, {})).to.deep.equal([]);
  });

  it("passes keys the chart defines", async () => {
    expect(await run(plan("backend:\n  apiserver:\n    replicaCount: 2\n"), { chartsDir: CHARTS })).to.deep.equal([]);
  });

  it("fails unknown keys and type mismatches in config and overrides, naming field, line and suggestion", async () => {
    const messages = await run(plan("replicaCount: 1\n", { member1: "backend:\n  apiserver:\n    replicaCont: 2\n" }), { chartsDir: CHARTS });
    expect(messages).to.have.length(2);
    expect(messages[0]).to.match(/^InstallPlan "gateway" \(urn:pulumi:.*\): spec\.config: line 1: unknown key replicaCount: gateway 1\.0\.5 does not define it/);
    expect(messages[0]).to.contain("the chart has it at `backend.apiserver.replicaCount`").and.contain("(strictConfig)");
    expect(messages[1]).to.contain("spec.clusterScheduling.overrides[\"member1\"]: line 3: unknown key backend.apiserver.replicaCont")
      .and.contain("did you mean `backend.apiserver.replicaCount`?");
  });

  it("a chart missing from chartsDir fails unless allowUnchecked", async () => {
    const props = () => { const p = plan("a: 1\n"); p.spec.extension.version = "9.9.9"; return p; };
    const [message] = await run(props(), { chartsDir: CHARTS });
    expect(message).to.contain("not checked against its chart: no chart archive gateway-9.9.9.tgz").and.contain("set allowUnchecked");
    expect(await run(props(), { chartsDir: CHARTS, allowUnchecked: true })).to.deep.equal([]);
  });

  it("an unreadable chartsDir is a violation naming the policy config", async () => {
    const [message] = await run(plan("a: 1\n"), { chartsDir: path.join(CHARTS, "missing-dir") });
    expect(message).to.contain("chartsDir of this policy: chart directory").and.contain("cannot read it (ENOENT)");
  });
});
