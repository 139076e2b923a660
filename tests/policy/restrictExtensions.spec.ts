import { expect } from "chai";
import { restrictExtensions as policy } from "../../policy-pack/policies";
import {
  expectUnknownValueError,
  extensionVersion,
  installPlanFor,
  resourceArgs,
  runResourcePolicy,
  UNKNOWN,
} from "./support";

describe("policy kubesphere-installplan-allowed-extensions", () => {
  const devops = () => installPlanFor(extensionVersion("devops", "1.1.2"));
  const run = (props: Record<string, any>, config: object) => runResourcePolicy(policy, resourceArgs(props, config));

  it("allows everything without config, without reading the plan", async () => {
    const props = devops();
    props.spec.extension = UNKNOWN; // would throw if read
    expect(await run(props, {})).to.deep.equal([]);
  });

  describe("extension lists", () => {
    it("passes an extension in allowedExtensions", async () => {
      expect(await run(devops(), { allowedExtensions: ["devops", "gateway"] })).to.deep.equal([]);
    });

    it("fails an extension missing from allowedExtensions, listing what is allowed", async () => {
      const [message, ...rest] = await run(devops(), { allowedExtensions: ["gateway", "whizard-monitoring"] });
      expect(rest).to.deep.equal([]);
      expect(message).to.contain('extension "devops" is not in this policy\'s allowedExtensions (gateway, whizard-monitoring)');
      expect(message).to.contain('InstallPlan "devops"');
    });

    it("fails an extension in deniedExtensions, even when it is also allowed", async () => {
      const messages = await run(devops(), { allowedExtensions: ["devops"], deniedExtensions: ["devops"] });
      expect(messages).to.have.length(1);
      expect(messages[0]).to.contain('extension "devops" is in this policy\'s deniedExtensions');
    });
  });

  describe("version lists (Masterminds constraints)", () => {
    it("passes a version matching one allowed constraint", async () => {
      expect(await run(devops(), { allowedVersions: { devops: ["1.1.1", ">=1.1.2, <1.2.0"] } })).to.deep.equal([]);
    });

    it("fails a version matching no allowed constraint", async () => {
      const [message] = await run(devops(), { allowedVersions: { devops: [">=1.1.3"] } });
      expect(message).to.contain('version "1.1.2" of "devops" matches none of allowedVersions [">=1.1.3"]');
    });

    it("fails a version matching a denied constraint and names the constraint", async () => {
      const [message] = await run(devops(), { deniedVersions: { devops: ["1.1.1", "1.1.2"] } });
      expect(message).to.contain('matches deniedVersions ["1.1.2"]');
    });

    it("does not let a pre-release through a plain range (KubeSphere semantics)", async () => {
      const props = devops();
      props.spec.extension.version = "1.2.0-rc.1";
      const [message] = await run(props, { allowedVersions: { devops: [">=1.1.0"] } });
      expect(message).to.contain("matches none of allowedVersions");
    });

    it("leaves other extensions' versions alone", async () => {
      expect(await run(devops(), { allowedVersions: { gateway: ["1.0.5"] } })).to.deep.equal([]);
    });

    it("fails closed when the requested version is a range and a version list applies", async () => {
      const props = devops();
      props.spec.extension.version = "^1.1";
      const [message] = await run(props, { allowedVersions: { devops: [">=1.0.0"] } });
      expect(message).to.contain('spec.extension.version is "^1.1", which is not one exact version');
    });

    it("reports a configured constraint that does not parse", async () => {
      const messages = await run(devops(), { allowedVersions: { devops: ["1.1.2", "not a version"] } });
      expect(messages).to.have.length(1);
      expect(messages[0]).to.contain('policy config allowedVersions["devops"] has entries that are not Masterminds constraints');
      expect(messages[0]).to.contain('"not a version"');
    });

    it("looks up only own config keys (an extension named constructor is not special)", async () => {
      const props = devops();
      props.spec.extension.name = "constructor";
      props.metadata.name = "constructor";
      expect(await run(props, { allowedVersions: { devops: ["1.1.2"] } })).to.deep.equal([]);
    });
  });

  it("cannot check an unknown version in preview when a version list applies: throws UnknownValueError", async () => {
    const props = devops();
    props.spec.extension.version = UNKNOWN;
    await expectUnknownValueError(() => run(props, { allowedVersions: { devops: ["1.1.2"] } }));
  });

  it("still decides on the extension name when only the version is unknown and no version list applies", async () => {
    const props = devops();
    props.spec.extension.version = UNKNOWN;
    expect(await run(props, { deniedExtensions: ["devops"] })).to.have.length(1);
  });
});
