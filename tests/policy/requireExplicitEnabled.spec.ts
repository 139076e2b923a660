import { expect } from "chai";
import { requireExplicitEnabled as policy } from "../../policy-pack/policies";
import {
  expectUnknownValueError,
  extensionVersion,
  installPlanFor,
  policyProxy,
  resourceArgs,
  runResourcePolicy,
} from "./support";

describe("policy kubesphere-installplan-explicit-enabled", () => {
  const compliant = () => installPlanFor(extensionVersion("devops", "1.1.2"));

  it("passes enabled: true and enabled: false", async () => {
    expect(await runResourcePolicy(policy, resourceArgs(compliant()))).to.deep.equal([]);
    const disabled = compliant();
    disabled.spec.enabled = false;
    expect(await runResourcePolicy(policy, resourceArgs(disabled))).to.deep.equal([]);
  });

  it("fails a missing enabled, saying the API server would reject it", async () => {
    const props = compliant();
    delete props.spec.enabled;
    const messages = await runResourcePolicy(policy, resourceArgs(props));
    expect(messages).to.have.length(1);
    expect(messages[0]).to.contain("spec.enabled is not set");
    expect(messages[0]).to.contain("Fix: set spec.enabled: true");
  });

  it("fails the string \"true\"", async () => {
    const props = compliant();
    props.spec.enabled = "true";
    const [message] = await runResourcePolicy(policy, resourceArgs(props));
    expect(message).to.contain('spec.enabled is "true", not a boolean');
  });

  it("cannot check an unknown enabled in preview: throws UnknownValueError", async () => {
    const props = compliant();
    props.spec.enabled = policyProxy.unknownBooleanValue;
    await expectUnknownValueError(() => runResourcePolicy(policy, resourceArgs(props)));
  });
});
