import { expect } from "chai";
import { ANNOTATION_REQUIRED_DEPENDENCIES, INSTALLPLAN_TYPE } from "../../components/kubesphere/annotations";
import { requireDependencies as policy } from "../../policy-pack/policies";
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

// whizard-monitoring 1.1.1 requires whizard-telemetry ">= 1.2.1-0" (catalog fixture).
describe("policy kubesphere-extension-dependencies (stack)", () => {
  const telemetry = (version = "1.2.2") => {
    const props = installPlanFor(extensionVersion("whizard-telemetry", "1.2.2"));
    props.spec.extension.version = version;
    return extensionInStack("whizard-telemetry", props);
  };
  const monitoring = (opts: { dependsOn?: ReturnType<typeof telemetry>; installedDependencies?: unknown } = {}) =>
    extensionInStack("whizard-monitoring", installPlanFor(extensionVersion("whizard-monitoring", "1.1.1")),
      { installedDependencies: opts.installedDependencies ?? [] },
      { dependencies: opts.dependsOn ? [opts.dependsOn.plan] : [] });
  const run = (extensions: Array<{ component: any; plan: any }>, config: object = {}) =>
    runStackPolicy(policy, stackArgs(extensions.flatMap((e) => [e.component, e.plan]), config));

  it("passes when the dependency is in the stack at a matching version and ordered first", async () => {
    const t = telemetry();
    expect(await run([t, monitoring({ dependsOn: t })])).to.deep.equal([]);
  });

  it("passes when the dependency is recorded as installed in the cluster", async () => {
    expect(await run([monitoring({ installedDependencies: ["whizard-telemetry"] })])).to.deep.equal([]);
  });

  it("fails when the dependency is neither installed nor in the stack, naming it, its constraint and the fix", async () => {
    const m = monitoring();
    const violations = await run([m]);
    expect(violations).to.have.length(1);
    expect(violations[0].urn).to.equal(m.plan.urn);
    expect(violations[0].message).to.contain('requires extension "whizard-telemetry" (>= 1.2.1-0)');
    expect(violations[0].message).to.contain("neither installed in the cluster nor managed by this stack through the same provider");
    expect(violations[0].message).to.contain("dependsOn");
  });

  it("fails when the dependency is in the stack but not ordered first", async () => {
    const t = telemetry();
    const [violation, ...rest] = await run([t, monitoring()]);
    expect(rest).to.deep.equal([]);
    expect(violation.message).to.contain('requires "whizard-telemetry", which this stack installs with InstallPlan "whizard-telemetry-installplan"');
    expect(violation.message).to.contain("but does not depend on it");
  });

  it("fails when the plan depends on other resources but not on the dependency", async () => {
    const t = telemetry();
    const unrelated = policyResource("kubernetes:core/v1:Namespace", "ns", {}, { dependencies: [] });
    const m = monitoring();
    m.plan.dependencies.push(unrelated);
    const violations = await runStackPolicy(policy, stackArgs([t.component, t.plan, unrelated, m.component, m.plan]));
    expect(violations).to.have.length(1);
    expect(violations[0].message).to.contain("but does not depend on it");
  });

  it("does not count a dependency installed through another provider (another cluster)", async () => {
    const t = extensionInStack("whizard-telemetry", installPlanFor(extensionVersion("whizard-telemetry", "1.2.2")), {},
      { provider: "cluster-b" });
    const m = extensionInStack("whizard-monitoring", installPlanFor(extensionVersion("whizard-monitoring", "1.1.1")),
      { installedDependencies: [] }, { dependencies: [t.plan], provider: "cluster-a" });
    const [violation, ...rest] = await run([t, m]);
    expect(rest).to.deep.equal([]);
    expect(violation.message).to.contain("neither installed in the cluster nor managed by this stack through the same provider");
    const sameCluster = extensionInStack("whizard-telemetry", installPlanFor(extensionVersion("whizard-telemetry", "1.2.2")), {},
      { provider: "cluster-a" });
    m.plan.dependencies.push(sameCluster.plan);
    expect(await run([t, sameCluster, m])).to.deep.equal([]);
  });

  it("accepts ordering through an intermediate resource (transitive dependency)", async () => {
    const t = telemetry();
    const gate = policyResource("pulumi-nodejs:dynamic:Resource", "gate", {}, { dependencies: [t.plan] });
    const m = monitoring();
    m.plan.dependencies.push(gate);
    expect(await runStackPolicy(policy, stackArgs([t.component, t.plan, gate, m.component, m.plan]))).to.deep.equal([]);
  });

  it("fails when the dependency in the stack has a version outside the constraint", async () => {
    const t = telemetry("1.2.0");
    const [violation] = await run([t, monitoring({ dependsOn: t })]);
    expect(violation.message).to.contain('requires "whizard-telemetry" (>= 1.2.1-0), but InstallPlan "whizard-telemetry-installplan"');
    expect(violation.message).to.contain('installs version "1.2.0"');
  });

  it("honours assumeInstalled for plans without a component", async () => {
    const plan = policyResource(INSTALLPLAN_TYPE, "whizard-monitoring",
      installPlanFor(extensionVersion("whizard-monitoring", "1.1.1")));
    expect(await runStackPolicy(policy, stackArgs([plan]))).to.have.length(1);
    expect(await runStackPolicy(policy, stackArgs([plan], { assumeInstalled: ["whizard-telemetry"] }))).to.deep.equal([]);
  });

  it("adds additionalDependencies from config (e.g. for hand-written plans)", async () => {
    const d = extensionInStack("devops", installPlanFor(extensionVersion("devops", "1.1.2")), { installedDependencies: [] });
    const [violation] = await run([d], { additionalDependencies: { devops: { "whizard-monitoring": ">=1.1.0" } } });
    expect(violation.message).to.contain('requires extension "whizard-monitoring" (>=1.1.0)');
  });

  it("reports a malformed required-dependencies annotation", async () => {
    const props = installPlanFor(extensionVersion("whizard-monitoring", "1.1.1"));
    props.metadata.annotations[ANNOTATION_REQUIRED_DEPENDENCIES] = "whizard-telemetry";
    const [violation] = await run([extensionInStack("whizard-monitoring", props)]);
    expect(violation.message).to.contain("which is not JSON");
  });

  it("reports a malformed installedDependencies output and treats nothing as installed", async () => {
    const violations = await run([monitoring({ installedDependencies: "whizard-telemetry" })]);
    expect(violations.map((v) => v.message)).to.have.length(2);
    expect(violations[0].message).to.contain('output installedDependencies is "whizard-telemetry", not a list of strings');
    expect(violations[1].message).to.contain('requires extension "whizard-telemetry"');
  });

  it("cannot check while the annotation is unknown: throws UnknownValueError", async () => {
    const props = installPlanFor(extensionVersion("whizard-monitoring", "1.1.1"));
    props.metadata.annotations[ANNOTATION_REQUIRED_DEPENDENCIES] = UNKNOWN;
    await expectUnknownValueError(() => run([extensionInStack("whizard-monitoring", props)]));
  });

  it("cannot check while installedDependencies is unknown: throws UnknownValueError", async () => {
    await expectUnknownValueError(() => run([monitoring({ installedDependencies: UNKNOWN })]));
  });
});
