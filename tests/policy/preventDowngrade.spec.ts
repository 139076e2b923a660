import { expect } from "chai";
import { INSTALLPLAN_TYPE } from "../../components/kubesphere/annotations";
import { preventDowngrade as policy } from "../../policy-pack/policies";
import {
  expectUnknownValueError,
  extensionInStack,
  extensionVersion,
  installPlanFor,
  policyResource,
  runStackPolicy,
  stackArgs,
  UNKNOWN,
} from "./support";

describe("policy kubesphere-extension-no-downgrade (stack)", () => {
  const devops = (installedVersionAtPreview?: string) =>
    extensionInStack("devops", installPlanFor(extensionVersion("devops", "1.1.2")), { installedVersionAtPreview });
  const run = (resources: ReturnType<typeof devops>[], config: object = {}) =>
    runStackPolicy(policy, stackArgs(resources.flatMap((e) => [e.component, e.plan]), config));

  it("passes a fresh install, the same version, and an upgrade", async () => {
    expect(await run([devops(undefined)])).to.deep.equal([]);
    expect(await run([devops("1.1.2")])).to.deep.equal([]);
    expect(await run([devops("1.1.1")])).to.deep.equal([]);
  });

  it("fails a downgrade from 1.1.3 to 1.1.2, on the plan's URN, with the config that would allow it", async () => {
    const e = devops("1.1.3");
    const violations = await run([e]);
    expect(violations).to.have.length(1);
    expect(violations[0].urn).to.equal(e.plan.urn);
    expect(violations[0].message).to.contain('extension "devops" is installed at "1.1.3" and this plan requests "1.1.2", a downgrade');
    expect(violations[0].message).to.contain('allowedDowngrades: [{"extension": "devops", "from": "1.1.3", "to": "1.1.2"}]');
  });

  it("orders by semver precedence: a release is newer than its pre-release", async () => {
    const e = extensionInStack("devops", installPlanFor(extensionVersion("devops", "1.1.2")), { installedVersionAtPreview: "1.1.2-rc.1" });
    expect(await run([e])).to.deep.equal([]);
    const back = extensionInStack("devops", (() => {
      const p = installPlanFor(extensionVersion("devops", "1.1.2"));
      p.spec.extension.version = "1.1.2-rc.1";
      return p;
    })(), { installedVersionAtPreview: "1.1.2" });
    expect(await run([back])).to.have.length(1);
  });

  it("allows a configured downgrade, from a given version or from any", async () => {
    expect(await run([devops("1.1.3")], { allowedDowngrades: [{ extension: "devops", from: "1.1.3", to: "1.1.2" }] })).to.deep.equal([]);
    expect(await run([devops("1.1.3")], { allowedDowngrades: [{ extension: "devops", to: "1.1.2" }] })).to.deep.equal([]);
    expect(await run([devops("1.1.3")], { allowedDowngrades: [{ extension: "devops", from: "1.2.0", to: "1.1.2" }] })).to.have.length(1);
    expect(await run([devops("1.1.3")], { allowedDowngrades: [{ extension: "gateway", to: "1.1.2" }] })).to.have.length(1);
  });

  it("reports a requested version that cannot be compared instead of passing it", async () => {
    const props = installPlanFor(extensionVersion("devops", "1.1.2"));
    props.spec.extension.version = "latest";
    const [violation] = await run([extensionInStack("devops", props, { installedVersionAtPreview: "1.1.3" })]);
    expect(violation.message).to.contain('cannot compare requested version "latest" with installed version "1.1.3"');
  });

  it("does not check a hand-written InstallPlan (no component records the installed version)", async () => {
    const plan = policyResource(INSTALLPLAN_TYPE, "devops", installPlanFor(extensionVersion("devops", "1.1.2")));
    expect(await runStackPolicy(policy, stackArgs([plan]))).to.deep.equal([]);
  });

  it("cannot check while the installed version is unknown: throws UnknownValueError", async () => {
    await expectUnknownValueError(() => run([devops(UNKNOWN)]));
  });

  it("cannot check while the requested version is unknown: throws UnknownValueError", async () => {
    const props = installPlanFor(extensionVersion("devops", "1.1.2"));
    props.spec.extension.version = UNKNOWN;
    await expectUnknownValueError(() => run([extensionInStack("devops", props, { installedVersionAtPreview: "1.1.3" })]));
  });
});
