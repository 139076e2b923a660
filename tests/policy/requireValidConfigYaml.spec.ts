import { expect } from "chai";
import { requireValidConfigYaml as policy } from "../../policy-pack/policies";
import {
  expectUnknownValueError,
  extensionVersion,
  installPlanFor,
  resourceArgs,
  runResourcePolicy,
  UNKNOWN,
} from "./support";

describe("policy kubesphere-installplan-valid-config-yaml", () => {
  const plan = (config?: string, overrides?: Record<string, string>) => installPlanFor(
    extensionVersion("devops", "1.1.2"),
    { config, clusters: overrides ? Object.keys(overrides) : undefined, overrides },
  );
  const run = (props: Record<string, any>) => runResourcePolicy(policy, resourceArgs(props));

  it("passes a plan without config, with a mapping, and with an empty config", async () => {
    expect(await run(plan())).to.deep.equal([]);
    expect(await run(plan("jenkins:\n  enabled: true\n"))).to.deep.equal([]);
    expect(await run(plan(""))).to.deep.equal([]);
  });

  it("passes text the webhook trims (trailing spaces, CRLF)", async () => {
    expect(await run(plan("jenkins:   \r\n  enabled: true  \r\n"))).to.deep.equal([]);
  });

  it("fails config that does not parse, with line and column", async () => {
    const messages = await run(plan("jenkins:\n  enabled: [true\n"));
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/spec\.config does not parse as YAML at line \d+, column \d+/);
    expect(messages[0]).to.contain('InstallPlan "devops"');
  });

  it("fails config that is a list, a scalar, or two documents", async () => {
    expect((await run(plan("- a\n- b\n")))[0]).to.contain("is a YAML list, but Helm values must be a mapping");
    expect((await run(plan("just text")))[0]).to.contain("is a YAML string");
    expect((await run(plan("a: 1\n---\nb: 2\n")))[0]).to.contain("holds 2 YAML documents");
  });

  it("fails config that is not a string (an object given to a raw CustomResource)", async () => {
    const props = plan();
    props.spec.config = { jenkins: { password: "s3cret" } };
    const [message] = await run(props);
    expect(message).to.contain("spec.config is an object, not a string; the CRD stores Helm values as a string of YAML text");
    expect(message).not.to.contain("s3cret");
  });

  it("checks every override and names the cluster", async () => {
    const messages = await run(plan(undefined, { member1: "a: 1\n", member2: "a: [\n" }));
    expect(messages).to.have.length(1);
    expect(messages[0]).to.contain('spec.clusterScheduling.overrides["member2"] does not parse as YAML');
    expect(messages[0]).to.contain('for cluster "member2"');
  });

  it("cannot check an unknown config in preview: throws UnknownValueError", async () => {
    await expectUnknownValueError(() => run(plan(UNKNOWN)));
  });

  it("cannot check an unknown override in preview: throws UnknownValueError", async () => {
    await expectUnknownValueError(() => run(plan("a: 1\n", { member1: UNKNOWN })));
  });
});
