import { expect } from "chai";
import { requireNameMatchesExtension as policy } from "../../policy-pack/policies";
import {
  expectUnknownValueError,
  extensionVersion,
  installPlanFor,
  resourceArgs,
  runResourcePolicy,
  UNKNOWN,
} from "./support";

describe("policy kubesphere-installplan-name-matches-extension", () => {
  const compliant = () => installPlanFor(extensionVersion("devops", "1.1.2"));

  it("passes a plan named after its extension", async () => {
    expect(await runResourcePolicy(policy, resourceArgs(compliant()))).to.deep.equal([]);
  });

  it("fails a plan named differently, naming both names and the fix", async () => {
    const props = compliant();
    props.metadata.name = "devops-prod";
    const messages = await runResourcePolicy(policy, resourceArgs(props));
    expect(messages).to.have.length(1);
    expect(messages[0]).to.contain('metadata.name is "devops-prod" but spec.extension.name is "devops"');
    expect(messages[0]).to.contain('Fix: set metadata.name: "devops"');
  });

  it("fails a plan without metadata.name (Pulumi would auto-name it)", async () => {
    const props = compliant();
    delete props.metadata.name;
    const [message] = await runResourcePolicy(policy, resourceArgs(props));
    expect(message).to.contain("metadata.name is not set");
    expect(message).to.contain('set metadata.name: "devops"');
  });

  it("fails a plan without spec.extension.name", async () => {
    const props = compliant();
    props.spec.extension.name = "";
    const [message] = await runResourcePolicy(policy, resourceArgs(props));
    expect(message).to.contain('spec.extension.name is ""');
  });

  it("cannot check an unknown metadata.name in preview: throws UnknownValueError", async () => {
    const props = compliant();
    props.metadata.name = UNKNOWN;
    await expectUnknownValueError(() => runResourcePolicy(policy, resourceArgs(props)));
  });
});
