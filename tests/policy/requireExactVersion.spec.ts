import { expect } from "chai";
import { requireExactVersion as policy } from "../../policy-pack/policies";
import {
  expectUnknownValueError,
  extensionVersion,
  installPlanFor,
  resourceArgs,
  runResourcePolicy,
  UNKNOWN,
} from "./support";

describe("policy kubesphere-installplan-exact-version", () => {
  const compliant = () => installPlanFor(extensionVersion("whizard-monitoring", "1.1.1"));
  const withVersion = (version: unknown) => {
    const props = compliant();
    props.spec.extension.version = version;
    return props;
  };

  it("passes the plan for whizard-monitoring 1.1.1", async () => {
    expect(await runResourcePolicy(policy, resourceArgs(compliant(), {}, { name: "whizard-monitoring" }))).to.deep.equal([]);
  });

  it("passes an exact pre-release version", async () => {
    expect(await runResourcePolicy(policy, resourceArgs(withVersion("1.2.0-rc.1")))).to.deep.equal([]);
  });

  const rejected: Array<[string, unknown, RegExp]> = [
    ["a caret range", "^1.1", /is a range, not an exact version/],
    ["a tilde range", "~1.1.1", /is a range/],
    ["a wildcard", "1.1.x", /wildcard range/],
    ["the tag latest", "latest", /`latest` is not a version/],
    ["an empty string", "", /the version is empty/],
    ["a v prefix", "v1.1.1", /has a `v` prefix; write `1\.1\.1`/],
    ["a missing patch number", "1.1", /lacks a patch number; write `1\.1\.0`/],
    ["an = constraint", "=1.1.1", /constraint with the operator `=`/],
  ];
  for (const [what, version, explanation] of rejected) {
    it(`fails ${what} (${JSON.stringify(version)}), explaining why and naming the plan`, async () => {
      const messages = await runResourcePolicy(policy, resourceArgs(withVersion(version)));
      expect(messages).to.have.length(1);
      expect(messages[0]).to.contain('InstallPlan "devops"');
      expect(messages[0]).to.contain(`spec.extension.version ${JSON.stringify(version)} is not exact`);
      expect(messages[0]).to.match(explanation);
      expect(messages[0]).to.contain("Fix: pin one exact version that exists");
    });
  }

  it("fails a missing version and a number instead of a string", async () => {
    const missing = compliant();
    delete missing.spec.extension.version;
    expect((await runResourcePolicy(policy, resourceArgs(missing)))[0]).to.contain("spec.extension.version is not set");
    expect((await runResourcePolicy(policy, resourceArgs(withVersion(1.1))))[0]).to.contain("1.1 (a number)");
  });

  it("cannot check an unknown version in preview: throws UnknownValueError", async () => {
    await expectUnknownValueError(() => runResourcePolicy(policy, resourceArgs(withVersion(UNKNOWN))));
  });

  it("still checks the version when only other fields are unknown", async () => {
    const props = withVersion("^1.1");
    props.spec.config = UNKNOWN;
    props.metadata.name = UNKNOWN;
    expect(await runResourcePolicy(policy, resourceArgs(props))).to.have.length(1);
  });
});
