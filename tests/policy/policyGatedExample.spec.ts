/**
 * examples/policy-gated does what its README says: run under Pulumi mocks (preview, offline catalog),
 * the whole pack reports exactly the two violations on the hand-written `gateway-by-hand` plan, and
 * none once `fixHandWrittenPlan` is set. The program is loaded as is; only its package import
 * `@kubesphere-ext/pulumi-kubesphere` is mapped to this repository's `index.ts` (what `npm install` of
 * `file:../..` provides).
 *
 * Limit: the CLI's own rendering of the violations is not exercised here (policyServer.spec.ts covers
 * the analyzer server).
 */
import { expect } from "chai";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { INSTALLPLAN_TYPE } from "../../components/kubesphere/annotations";
import { CATALOG_DIR } from "../support/sharedFixture";
import { StackRecorder, violationsOfWholePack } from "./stackFromMocks";

const Module = require("module") as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const EXAMPLE = path.resolve(__dirname, "..", "..", "examples", "policy-gated", "index.ts");
const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "index.ts");

async function runExample(config: Record<string, string>): Promise<StackRecorder> {
  await pulumi.runtime.setMocks({
    newResource: (a) => ({ id: a.custom ? `${a.name}-id` : "", state: a.inputs }),
    call: (a) => {
      throw new Error(`unexpected invoke ${a.token}`);
    },
  }, "kubesphere-policy-gated", "dev", true);
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`kubesphere-policy-gated:${k}`, v])));
  const recorder = new StackRecorder();
  delete require.cache[EXAMPLE];
  const program = require(EXAMPLE) as { devopsVersion: pulumi.Output<string> };
  await (program.devopsVersion as any).promise(); // rejects with the component's error, if any
  await recorder.waitFor((rs) =>
    rs.filter((r) => r.type === INSTALLPLAN_TYPE && r.urn !== "").length === 2 &&
    rs.some((r) => r.name === "devops" && r.props.extensionName === "devops"));
  return recorder;
}

describe("examples/policy-gated under mocks with the whole pack", () => {
  const offline = { catalogPaths: JSON.stringify([CATALOG_DIR]), ksVersion: "v4.1.3", kubeVersion: "v1.30.4" };
  const resolve = Module._resolveFilename;
  before(() => {
    Module._resolveFilename = function (request: string, ...rest: unknown[]) {
      return request === "@kubesphere-ext/pulumi-kubesphere" ? PACKAGE_ROOT : resolve.call(this, request, ...rest);
    };
  });
  after(() => {
    Module._resolveFilename = resolve;
  });

  it("reports exactly the two mandatory problems of the hand-written gateway plan", async () => {
    const violations = await violationsOfWholePack(await runExample(offline));
    expect(violations).to.have.length(2);
    expect(violations.every((v) => v.includes('InstallPlan "gateway-by-hand"'))).to.equal(true);
    expect(violations[0]).to.match(/^kubesphere-installplan-manual-upgrade-strategy: .*spec\.upgradeStrategy is "Automatic"/);
    expect(violations[1]).to.match(/^kubesphere-installplan-exact-version: .*"\^1\.0" is not exact/);
  });

  it("passes once the hand-written plan is fixed (fixHandWrittenPlan: true)", async () => {
    expect(await violationsOfWholePack(await runExample({ ...offline, fixHandWrittenPlan: "true" }))).to.deep.equal([]);
  });

  it("its policy-config.json is accepted by the policies it configures", async () => {
    const config = require("../../examples/policy-gated/policy-config.json") as Record<string, object>;
    const violations = await violationsOfWholePack(await runExample({ ...offline, fixHandWrittenPlan: "true" }), config);
    expect(violations).to.deep.equal([]);
  });
});
