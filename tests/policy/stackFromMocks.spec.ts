import { expect } from "chai";
import * as k8s from "@pulumi/kubernetes";
import { installPlanOf, KubeSphereExtension } from "../../components/extension";
import { COMPONENT_TYPE, INSTALLPLAN_TYPE } from "../../components/kubesphere/annotations";
import { limitClusterChanges, preventDowngrade, requireDependencies } from "../../policy-pack/policies";
import { readYamlDocuments, StaticCatalog } from "../../components/catalog/staticCatalog";
import { installMocks, valueOf } from "../support/pulumiMocks";
import { CATALOG_DIR, FIXTURE_FACTS, fixtureCatalog } from "../support/sharedFixture";
import { StackRecorder, violationsOfWholePack } from "./stackFromMocks";
import { extensionVersion, installPlanFor, runStackPolicy } from "./support";

/** The suite's mocks (tests/support/pulumiMocks.ts) plus a recorder for stack validation. */
async function startMocks(preview: boolean): Promise<StackRecorder> {
  await installMocks(preview);
  return new StackRecorder();
}

describe("stack policies over resources registered under pulumi mocks (stackFromMocks)", () => {
  describe("raw CustomResource InstallPlans", () => {
    it("records type, parent-less plans, dependsOn as dependency URNs, and passes the dependency policy", async () => {
      const recorder = await startMocks(false);
      const telemetry = new k8s.apiextensions.CustomResource("whizard-telemetry",
        installPlanFor(extensionVersion("whizard-telemetry", "1.2.2")) as k8s.apiextensions.CustomResourceArgs);
      const monitoring = new k8s.apiextensions.CustomResource("whizard-monitoring",
        installPlanFor(extensionVersion("whizard-monitoring", "1.1.1")) as k8s.apiextensions.CustomResourceArgs,
        { dependsOn: [telemetry] });
      await Promise.all([valueOf(telemetry.urn), valueOf(monitoring.urn)]);
      await recorder.settled();

      const args = recorder.stackArgs();
      const plans = args.resources.filter((r) => r.type === INSTALLPLAN_TYPE);
      expect(plans.map((p) => p.name)).to.deep.equal(["whizard-telemetry", "whizard-monitoring"]);
      expect(plans[1].dependencies.map((d) => d.urn)).to.deep.equal([plans[0].urn]);
      expect(plans[1].props.spec.extension).to.deep.equal({ name: "whizard-monitoring", version: "1.1.1" });
      expect(await runStackPolicy(requireDependencies, args)).to.deep.equal([]);
    });

    it("without dependsOn the dependency policy reports the missing ordering on the dependant's URN", async () => {
      const recorder = await startMocks(false);
      const telemetry = new k8s.apiextensions.CustomResource("whizard-telemetry",
        installPlanFor(extensionVersion("whizard-telemetry", "1.2.2")) as k8s.apiextensions.CustomResourceArgs);
      const monitoring = new k8s.apiextensions.CustomResource("whizard-monitoring",
        installPlanFor(extensionVersion("whizard-monitoring", "1.1.1")) as k8s.apiextensions.CustomResourceArgs);
      const urn = await valueOf(monitoring.urn);
      await valueOf(telemetry.urn);
      await recorder.settled();
      const violations = await runStackPolicy(requireDependencies, recorder.stackArgs());
      expect(violations).to.have.length(1);
      expect(violations[0].urn).to.equal(urn);
      expect(violations[0].message).to.contain("does not depend on it");
    });
  });

  describe("KubeSphereExtension components (preview)", () => {
    it("two extensions ordered by the component itself pass the whole pack", async () => {
      const recorder = await startMocks(true);
      const catalog = fixtureCatalog();
      const telemetry = new KubeSphereExtension("whizard-telemetry", { name: "whizard-telemetry", version: "1.2.2" }, { catalog });
      const monitoring = new KubeSphereExtension("whizard-monitoring", {
        name: "whizard-monitoring", version: "1.1.1", clusterScheduling: { clusters: ["host", "member1"] },
      }, { catalog, dependsOn: [telemetry] });
      await Promise.all([telemetry, monitoring].map((e) => valueOf(installPlanOf(e).urn)));
      await Promise.all([telemetry, monitoring].map((e) => valueOf(e.clusterStates)));
      await recorder.settled();

      const args = recorder.stackArgs();
      const component = args.resources.find((r) => r.type === COMPONENT_TYPE && r.name === "whizard-monitoring");
      expect(component?.props.extensionName).to.equal("whizard-monitoring");
      const plan = args.resources.find((r) => r.type === INSTALLPLAN_TYPE && r.name === "whizard-monitoring-installplan");
      expect(plan?.parent).to.equal(component);
      expect(plan?.dependencies.map((d) => d.name)).to.include("whizard-telemetry-installplan");
      expect(await violationsOfWholePack(recorder)).to.deep.equal([]);
    });

    it("a downgrade the component lets through (allowDowngrade) is still caught by the pack", async () => {
      const recorder = await startMocks(true);
      const catalog = fixtureCatalog({ installed: { devops: "1.1.3" } });
      const devops = new KubeSphereExtension("devops", { name: "devops", version: "1.1.2", allowDowngrade: true }, { catalog });
      expect(await valueOf(devops.installedVersionAtPreview)).to.equal("1.1.3");
      await valueOf(installPlanOf(devops).urn);
      await valueOf(devops.clusterStates);
      await recorder.settled();
      const violations = await runStackPolicy(preventDowngrade, recorder.stackArgs());
      expect(violations).to.have.length(1);
      expect(violations[0].urn).to.equal(await valueOf(installPlanOf(devops).urn));
      expect(violations[0].message).to.contain('installed at "1.1.3" and this plan requests "1.1.2"');
    });

    it("the blast radius is measured against the placement of the plan that exists in the cluster", async () => {
      const recorder = await startMocks(true);
      const existing = installPlanFor(extensionVersion("devops", "1.1.2"), { clusters: ["host"] });
      // Written by an earlier run of this stack (proj/dev), so it is this stack's plan, not someone else's.
      existing.metadata.annotations = { ...existing.metadata.annotations, "kubesphere-ext.io/managed-by-stack": "proj/dev" };
      const catalog = new StaticCatalog([...readYamlDocuments([CATALOG_DIR]), existing],
        { ...FIXTURE_FACTS, installed: { devops: "1.1.2" } });
      const devops = new KubeSphereExtension("devops", {
        name: "devops", version: "1.1.2", clusterScheduling: { clusters: ["host", "member1", "member2"] },
      }, { catalog });
      expect(await valueOf(devops.previousClusters)).to.deep.equal(["host"]);
      await valueOf(installPlanOf(devops).urn);
      await valueOf(devops.clusterStates);
      await recorder.settled();
      expect(await runStackPolicy(limitClusterChanges, recorder.stackArgs())).to.deep.equal([]);
      const [violation, ...rest] = await runStackPolicy(limitClusterChanges, recorder.stackArgs({ maxClusterChanges: 1 }));
      expect(rest).to.deep.equal([]);
      expect(violation.message).to.contain('adds "member1", "member2": 2 cluster changes, more than maxClusterChanges (1)');
    });
  });
});
