import { expect } from "chai";
import { denyConfigKeys as policy } from "../../policy-pack/policies";
import { findPaths } from "../../policy-pack/policies/denyConfigKeys";
import {
  expectUnknownValueError,
  extensionVersion,
  installPlanFor,
  resourceArgs,
  runResourcePolicy,
  UNKNOWN,
} from "./support";

describe("policy kubesphere-installplan-denied-config-keys", () => {
  const config = "global:\n  imageRegistry: registry.example.com\njenkins:\n  enabled: true\n";
  const plan = (overrides?: Record<string, string>) => installPlanFor(
    extensionVersion("devops", "1.1.2"),
    { config, clusters: overrides ? Object.keys(overrides) : undefined, overrides },
  );
  const run = (props: Record<string, any>, cfg: object) => runResourcePolicy(policy, resourceArgs(props, cfg));

  it("allows everything without config, without reading the plan", async () => {
    const props = plan();
    props.spec = UNKNOWN;
    expect(await run(props, {})).to.deep.equal([]);
  });

  it("passes when no denied key is set", async () => {
    expect(await run(plan(), { deniedKeys: { "*": ["global.storageClass"], devops: ["jenkins.securityRealm"] } })).to.deep.equal([]);
  });

  it("fails a key denied for every extension (\"*\"), naming the field and the key", async () => {
    const messages = await run(plan(), { deniedKeys: { "*": ["global.imageRegistry"] } });
    expect(messages).to.have.length(1);
    expect(messages[0]).to.contain('spec.config sets "global.imageRegistry", denied by this policy\'s deniedKeys. Fix: remove it.');
  });

  it("fails a key denied for this extension only, and ignores other extensions' lists", async () => {
    expect(await run(plan(), { deniedKeys: { gateway: ["jenkins"] } })).to.deep.equal([]);
    const [message] = await run(plan(), { deniedKeys: { devops: ["jenkins.enabled"] } });
    expect(message).to.contain('sets "jenkins.enabled", denied for extension "devops"');
  });

  it("checks overrides per cluster", async () => {
    const messages = await run(plan({ member1: "global:\n  imageRegistry: other\n", member2: "a: 1\n" }), {
      deniedKeys: { "*": ["global.imageRegistry"] },
    });
    expect(messages).to.have.length(2);
    expect(messages[1]).to.contain('spec.clusterScheduling.overrides["member1"] sets "global.imageRegistry"');
  });

  it("matches * segments, list indexes, and keys set to null", () => {
    const values = { agent: { a: { image: "x" }, b: { image: null }, c: {} }, list: [{ k: 1 }] };
    expect(findPaths(values, "agent.*.image")).to.deep.equal(["agent.a.image", "agent.b.image"]);
    expect(findPaths(values, "list.0.k")).to.deep.equal(["list.0.k"]);
    expect(findPaths(values, "agent.c.image")).to.deep.equal([]);
    expect(findPaths(undefined, "a")).to.deep.equal([]);
  });

  it("cannot check an unknown config in preview: throws UnknownValueError", async () => {
    const props = plan();
    props.spec.config = UNKNOWN;
    await expectUnknownValueError(() => run(props, { deniedKeys: { "*": ["global.imageRegistry"] } }));
  });
});
