import { expect } from "chai";
import { ANNOTATION_INSTALLATION_MODE } from "../../components/kubesphere/annotations";
import { restrictClusterScheduling as policy } from "../../policy-pack/policies";
import {
  expectUnknownValueError,
  extensionVersion,
  installPlanFor,
  resourceArgs,
  runResourcePolicy,
  UNKNOWN,
} from "./support";

describe("policy kubesphere-installplan-cluster-scheduling", () => {
  // devops 1.1.2 is Multicluster; whizard-telemetry 1.2.2 is HostOnly.
  const multicluster = () => installPlanFor(extensionVersion("devops", "1.1.2"), {
    clusters: ["host", "member1"],
    overrides: { member1: "agent:\n  replicas: 1\n" },
  });
  const run = (props: Record<string, any>, config: object = {}) => runResourcePolicy(policy, resourceArgs(props, config));

  it("passes a Multicluster version with a placement and overrides for placed clusters", async () => {
    expect(await run(multicluster())).to.deep.equal([]);
  });

  it("passes a HostOnly version without clusterScheduling", async () => {
    expect(await run(installPlanFor(extensionVersion("whizard-telemetry", "1.2.2")))).to.deep.equal([]);
  });

  it("fails clusterScheduling on a HostOnly version (whizard-telemetry 1.2.2)", async () => {
    const props = installPlanFor(extensionVersion("whizard-telemetry", "1.2.2"), { clusters: ["member1"] });
    const messages = await run(props);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.contain("the requested extension version is HostOnly");
    expect(messages[0]).to.contain("Fix: remove clusterScheduling");
  });

  it("fails a clusterScheduling without placement (the controller dereferences it)", async () => {
    const props = multicluster();
    delete props.spec.clusterScheduling.placement;
    delete props.spec.clusterScheduling.overrides;
    const [message] = await run(props);
    expect(message).to.contain("spec.clusterScheduling has no placement");
  });

  it("passes an empty cluster list (uninstall every agent) and a clusterSelector placement", async () => {
    const empty = multicluster();
    empty.spec.clusterScheduling = { placement: { clusters: [] } };
    expect(await run(empty)).to.deep.equal([]);
    const selector = multicluster();
    selector.spec.clusterScheduling = { placement: { clusterSelector: { matchLabels: { env: "prod" } } }, overrides: { any: "a: 1\n" } };
    expect(await run(selector)).to.deep.equal([]);
  });

  it("fails an override for a cluster that placement.clusters does not list (a typo)", async () => {
    const props = multicluster();
    props.spec.clusterScheduling.overrides = { membr1: "a: 1\n" };
    const [message] = await run(props);
    expect(message).to.contain('overrides has entries for "membr1", which placement.clusters (host, member1) does not list');
  });

  it("skips the mode check for a hand-written plan without the annotation, unless requireInstallationMode", async () => {
    const props = multicluster();
    delete props.metadata.annotations[ANNOTATION_INSTALLATION_MODE];
    expect(await run(props)).to.deep.equal([]);
    const [message] = await run(props, { requireInstallationMode: true });
    expect(message).to.contain(`has no ${ANNOTATION_INSTALLATION_MODE} annotation`);
  });

  it("fails an installation-mode annotation with an unexpected value", async () => {
    const props = multicluster();
    props.metadata.annotations[ANNOTATION_INSTALLATION_MODE] = "multicluster";
    const [message] = await run(props);
    expect(message).to.contain('is "multicluster"; expected "HostOnly" or "Multicluster"');
  });

  it("cannot check an unknown placement in preview: throws UnknownValueError", async () => {
    const props = multicluster();
    props.spec.clusterScheduling.placement = UNKNOWN;
    await expectUnknownValueError(() => run(props));
  });

  it("does not read annotations or placement when there is no clusterScheduling", async () => {
    const props = installPlanFor(extensionVersion("whizard-telemetry", "1.2.2"));
    props.metadata.annotations = UNKNOWN;
    expect(await run(props)).to.deep.equal([]);
  });
});
