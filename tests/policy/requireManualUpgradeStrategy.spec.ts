import { expect } from "chai";
import { requireManualUpgradeStrategy as policy } from "../../policy-pack/policies";
import {
  expectUnknownValueError,
  extensionVersion,
  installPlanFor,
  resourceArgs,
  runResourcePolicy,
  UNKNOWN,
} from "./support";

describe("policy kubesphere-installplan-manual-upgrade-strategy", () => {
  const compliant = () => installPlanFor(extensionVersion("devops", "1.1.2"));

  it("is named in kebab-case, mandatory by default, with remediation steps", () => {
    expect(policy.name).to.equal("kubesphere-installplan-manual-upgrade-strategy");
    expect(policy.enforcementLevel).to.equal("mandatory");
    expect(policy.remediationSteps).to.match(/Manual/);
  });

  it("passes the plan KubeSphereExtension emits for devops 1.1.2 (upgradeStrategy Manual)", async () => {
    expect(await runResourcePolicy(policy, resourceArgs(compliant()))).to.deep.equal([]);
  });

  it("passes an absent upgradeStrategy (the CRD defaults it to Manual)", async () => {
    const props = compliant();
    delete props.spec.upgradeStrategy;
    expect(await runResourcePolicy(policy, resourceArgs(props))).to.deep.equal([]);
  });

  it("fails an absent upgradeStrategy when configured with requireExplicit: true", async () => {
    const props = compliant();
    delete props.spec.upgradeStrategy;
    const messages = await runResourcePolicy(policy, resourceArgs(props, { requireExplicit: true }));
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/^InstallPlan "devops" \(urn:pulumi:.*::devops\): spec\.upgradeStrategy is not set/);
    expect(messages[0]).to.contain('set spec.upgradeStrategy: "Manual"');
  });

  it("fails Automatic, naming the resource, the value and the fix", async () => {
    const props = compliant();
    props.spec.upgradeStrategy = "Automatic";
    const [message, ...rest] = await runResourcePolicy(policy, resourceArgs(props));
    expect(rest).to.deep.equal([]);
    expect(message).to.contain('InstallPlan "devops"');
    expect(message).to.contain('spec.upgradeStrategy is "Automatic"');
    expect(message).to.contain('Fix: set spec.upgradeStrategy: "Manual" or remove it');
  });

  it("fails the wrong case (manual) and says values are case-sensitive", async () => {
    const props = compliant();
    props.spec.upgradeStrategy = "manual";
    const [message] = await runResourcePolicy(policy, resourceArgs(props));
    expect(message).to.contain("case-sensitive");
  });

  it("ignores resources that are not InstallPlans", async () => {
    const props = compliant();
    props.spec.upgradeStrategy = "Automatic";
    const args = resourceArgs(props, {}, { type: "kubernetes:core/v1:ConfigMap" });
    expect(await runResourcePolicy(policy, args)).to.deep.equal([]);
  });

  it("cannot check an unknown upgradeStrategy in preview: throws UnknownValueError instead of passing", async () => {
    const props = compliant();
    props.spec.upgradeStrategy = UNKNOWN;
    const error = await expectUnknownValueError(() => runResourcePolicy(policy, resourceArgs(props)));
    expect(error.message).to.contain(".spec.upgradeStrategy");
  });

  describe("remediation", () => {
    it("rewrites Automatic to Manual and keeps every other field", async () => {
      const props = compliant();
      props.spec.upgradeStrategy = "Automatic";
      const result = await policy.remediateResource!(resourceArgs(props));
      const expected = compliant();
      expect(JSON.parse(JSON.stringify(result))).to.deep.equal(expected);
    });

    it("returns nothing (no change) for a compliant plan or an absent value", async () => {
      expect(await policy.remediateResource!(resourceArgs(compliant()))).to.equal(undefined);
      const props = compliant();
      delete props.spec.upgradeStrategy;
      expect(await policy.remediateResource!(resourceArgs(props))).to.equal(undefined);
    });

    it("fills in an absent value when requireExplicit is set", async () => {
      const props = compliant();
      delete props.spec.upgradeStrategy;
      const result = await policy.remediateResource!(resourceArgs(props, { requireExplicit: true }));
      expect((result as any).spec.upgradeStrategy).to.equal("Manual");
    });

    it("does not remediate other resource types", async () => {
      const props = compliant();
      props.spec.upgradeStrategy = "Automatic";
      const args = resourceArgs(props, {}, { type: "kubernetes:core/v1:ConfigMap" });
      expect(await policy.remediateResource!(args)).to.equal(undefined);
    });

    it("cannot remediate an unknown value: throws UnknownValueError", async () => {
      const props = compliant();
      props.spec.upgradeStrategy = UNKNOWN;
      await expectUnknownValueError(() => policy.remediateResource!(resourceArgs(props)));
    });
  });
});
