import { expect } from "chai";
import { INSTALLPLAN_TYPE } from "../../components/kubesphere/annotations";
import { requireUniqueInstallPlans as policy } from "../../policy-pack/policies";
import {
  expectUnknownValueError,
  extensionVersion,
  installPlanFor,
  policyResource,
  runStackPolicy,
  stackArgs,
  UNKNOWN,
} from "./support";

describe("policy kubesphere-installplan-unique (stack)", () => {
  const plan = (name: string, extension = "devops", provider = "cluster-a") => {
    const props = installPlanFor(extensionVersion("devops", "1.1.2"));
    props.spec.extension.name = extension;
    props.metadata.name = extension;
    return policyResource(INSTALLPLAN_TYPE, name, props, { provider });
  };

  it("passes different extensions", async () => {
    expect(await runStackPolicy(policy, stackArgs([plan("a", "devops"), plan("b", "gateway")]))).to.deep.equal([]);
  });

  it("fails two plans for one extension through two provider aliases, once per plan, naming the other", async () => {
    const a = plan("devops-a", "devops", "cluster-a");
    const b = plan("devops-b", "devops", "cluster-a-alias");
    const violations = await runStackPolicy(policy, stackArgs([a, b]));
    expect(violations.map((v) => v.urn)).to.deep.equal([a.urn, b.urn]);
    expect(violations[0].message).to.contain(`collides with InstallPlan "devops-b" (${b.urn}): both install extension "devops" and both are named "devops"`);
  });

  it("fails two plans with the same metadata.name for different extensions", async () => {
    const a = plan("a", "devops");
    const b = plan("b", "gateway");
    b.props.metadata.name = "devops";
    const [violation] = await runStackPolicy(policy, stackArgs([a, b]));
    expect(violation.message).to.contain('both are named "devops"');
    expect(violation.message).not.to.contain("both install extension");
  });

  it("with perProvider: true compares only plans of the same provider", async () => {
    const a = plan("devops-a", "devops", "cluster-a");
    const b = plan("devops-b", "devops", "cluster-b");
    expect(await runStackPolicy(policy, stackArgs([a, b], { perProvider: true }))).to.deep.equal([]);
    const c = plan("devops-c", "devops", "cluster-a");
    expect(await runStackPolicy(policy, stackArgs([a, b, c], { perProvider: true }))).to.have.length(2);
  });

  it("cannot check while an extension name is unknown: throws UnknownValueError", async () => {
    const a = plan("a");
    const b = plan("b");
    b.props.spec.extension.name = UNKNOWN;
    await expectUnknownValueError(() => runStackPolicy(policy, stackArgs([a, b])));
  });
});
