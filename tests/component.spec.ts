import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KubeSphereExtension } from "../components/extension";
import { fixtureCatalog } from "./support/sharedFixture";
import { installMocks, READINESS_TYPE, Registration, SECRET_SIG, settle, silentProgress, valueOf, withoutSecrets } from "./support/pulumiMocks";

const PLAN = "kubernetes:kubesphere.io/v1alpha1:InstallPlan";
const COMPONENT = "kubesphere:index:KubeSphereExtension";

function plans(regs: Registration[]): Registration[] {
  return regs.filter((r) => r.type === PLAN);
}

describe("KubeSphereExtension under mocks", () => {
  let regs: Registration[];
  const catalog = fixtureCatalog();

  describe("emitting the InstallPlan", () => {
    before(async () => { regs = await installMocks(false); });

    it("emits exactly one InstallPlan as a child, named after the extension, with the resolved spec", async () => {
      const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
      const ext = new KubeSphereExtension("devops", { name: "devops", version: "1.1.2", config: { jenkins: { enabled: true } } },
        { provider, catalog, progressReporter: silentProgress });
      expect(await valueOf(ext.version)).to.equal("1.1.2");
      expect(await valueOf(ext.state)).to.equal("Installed");
      await settle();
      const plan = plans(regs);
      expect(plan).to.have.length(1);
      expect(plan[0].name).to.equal("devops-installplan");
      expect(plan[0].urn).to.equal(`urn:pulumi:dev::proj::${COMPONENT}$${PLAN}::devops-installplan`);
      expect(plan[0].parent).to.equal(`urn:pulumi:dev::proj::${COMPONENT}::devops`);
      expect(plan[0].provider).to.match(/::cluster::cluster-id$/);
      expect(plan[0].inputs.apiVersion).to.equal("kubesphere.io/v1alpha1");
      expect(plan[0].inputs.kind).to.equal("InstallPlan");
      expect(plan[0].inputs.metadata.name).to.equal("devops");
      expect(plan[0].inputs.spec).to.deep.equal({
        extension: { name: "devops", version: "1.1.2" }, enabled: true, upgradeStrategy: "Manual",
        config: "jenkins:\n  enabled: true\n",
      });
      expect(await valueOf(ext.targetNamespace)).to.equal("kubesphere-devops-system");
      expect(await valueOf(ext.installationMode)).to.equal("Multicluster");
      const comp = regs.find((r) => r.type === COMPONENT && r.name === "devops");
      expect(comp?.custom).to.equal(false);
    });

    it("a bad version registers no InstallPlan and fails with the versions that exist", async () => {
      const before = plans(regs).length;
      const ext = new KubeSphereExtension("bad", { name: "devops", version: "9.9.9" }, { catalog, progressReporter: silentProgress });
      let message = "";
      try { await valueOf(ext.version); } catch (e) { message = (e as Error).message; }
      expect(message).to.match(/no ExtensionVersion "devops-9\.9\.9"/);
      expect(message).to.match(/versions that exist: 1\.1\.1, 1\.1\.2, 1\.1\.3/);
      await settle(100);
      expect(plans(regs).filter((p) => p.name === "bad-installplan" && p.urn !== "")).to.have.length(0);
      expect(plans(regs).length).to.equal(before);
    });

    it("validates Output inputs once they are known", async () => {
      const ext = new KubeSphereExtension("late", { name: pulumi.output("devops"), version: pulumi.output(Promise.resolve("^1.1")) }, { catalog });
      let message = "";
      try { await valueOf(ext.version); } catch (e) { message = (e as Error).message; }
      expect(message).to.match(/"\^1\.1" is not an exact version/);
    });
  });

  describe("ordering by externalDependencies", () => {
    beforeEach(async () => { regs = await installMocks(false); });

    it("orders an extension after the one it requires: its plan depends on the other's plan AND readiness", async () => {
      // Declared dependant-first on purpose: the order must come from the catalog, not the program.
      const ob = new KubeSphereExtension("ob", { name: "ob-operator", version: "2.3.2" }, { catalog, progressReporter: silentProgress });
      const cm = new KubeSphereExtension("cm", { name: "cert-manager", version: "1.0.0" }, { catalog, progressReporter: silentProgress });
      await valueOf(ob.state);
      await valueOf(cm.state);
      await settle();
      const find = (type: string, n: string) => regs.find((r) => r.type === type && r.name === n)!;
      const obPlan = find(PLAN, "ob-installplan");
      const cmPlan = find(PLAN, "cm-installplan");
      const cmReady = find(READINESS_TYPE, "cm-readiness");
      // The engine creates ob's plan only after cm's readiness resource has been created, i.e. after
      // cert-manager was reported Installed (the readiness provider's create is the wait).
      expect(obPlan.dependencies).to.include.members([cmPlan.urn, cmReady.urn]);
      expect(cmPlan.dependencies).to.not.include(obPlan.urn);
      expect(find(READINESS_TYPE, "ob-readiness").dependencies).to.include(obPlan.urn);
      expect(regs.indexOf(cmReady)).to.be.lessThan(regs.indexOf(obPlan));
    });

    it("orders a chain of three (alerting -> monitoring -> telemetry)", async () => {
      const names = [["alerting", "whizard-alerting", "1.0.3"], ["monitoring", "whizard-monitoring", "1.1.1"], ["telemetry", "whizard-telemetry", "1.2.2"]];
      const exts = names.map(([n, e, v]) => new KubeSphereExtension(n, { name: e, version: v }, { catalog, progressReporter: silentProgress }));
      await Promise.all(exts.map((x) => valueOf(x.state)));
      await settle();
      const urn = (type: string, n: string) => regs.find((p) => p.type === type && p.name === n)!.urn;
      const deps = (n: string) => plans(regs).find((p) => p.name === `${n}-installplan`)!.dependencies;
      expect(deps("monitoring")).to.include.members([urn(PLAN, "telemetry-installplan"), urn(READINESS_TYPE, "telemetry-readiness")]);
      expect(deps("alerting")).to.include.members([urn(READINESS_TYPE, "monitoring-readiness"), urn(READINESS_TYPE, "telemetry-readiness")]);
      expect(deps("telemetry")).to.deep.equal([]);
    });

    it("does not let an extension declared against another cluster satisfy a dependency", async () => {
      const a = new k8s.Provider("a", { kubeconfig: "{}" });
      const b = new k8s.Provider("b", { kubeconfig: "{}" });
      new KubeSphereExtension("cm", { name: "cert-manager", version: "1.0.0" }, { catalog, provider: a, progressReporter: silentProgress });
      const ob = new KubeSphereExtension("ob", { name: "ob-operator", version: "2.3.2" }, { catalog, provider: b, progressReporter: silentProgress });
      let message = "";
      try { await valueOf(ob.version); } catch (e) { message = (e as Error).message; }
      expect(message).to.match(/requires extension cert-manager >= 1\.0\.0-0, but cert-manager is neither declared/);
    });

    it("names a dependency cycle instead of deadlocking", async () => {
      const cyc = fixtureCatalog();
      const evs = await cyc.extensionVersions();
      // Make whizard-telemetry require whizard-monitoring, which already requires whizard-telemetry.
      evs.find((e) => e.metadata.name === "whizard-telemetry-1.2.2")!.spec.externalDependencies =
        [{ name: "whizard-monitoring", version: ">=1.0.0", required: true, type: "extension" }];
      const m = new KubeSphereExtension("m", { name: "whizard-monitoring", version: "1.1.1" }, { catalog: cyc, progressReporter: silentProgress });
      const t = new KubeSphereExtension("t", { name: "whizard-telemetry", version: "1.2.2" }, { catalog: cyc, progressReporter: silentProgress });
      const messages = await Promise.all([m, t].map((x) => valueOf(x.version).then(() => "", (e) => (e as Error).message)));
      for (const msg of messages) expect(msg).to.match(/cycle: whizard-(monitoring|telemetry) -> whizard-(telemetry|monitoring) -> whizard-\1/);
      await settle(100);
      expect(plans(regs).filter((p) => p.urn !== "")).to.have.length(0);
    });
  });

  describe("preview", () => {
    before(async () => { regs = await installMocks(true); });

    it("resolves and shows the plan without waiting", async () => {
      let waited = false;
      const ext = new KubeSphereExtension("gw", { name: "gateway", version: "1.0.5" }, {
        catalog, progressReporter: async () => { waited = true; throw new Error("must not watch in preview"); },
      });
      expect(await valueOf(ext.version)).to.equal("1.0.5");
      await settle();
      expect(plans(regs).find((p) => p.name === "gw-installplan")?.inputs.spec.extension).to.deep.equal({ name: "gateway", version: "1.0.5" });
      expect(waited).to.equal(false);
    });
  });

  describe("secrets", () => {
    before(async () => { regs = await installMocks(false); });

    it("never puts the kubeconfig into the plan, the outputs, the component inputs or plaintext state", async () => {
      const secret = "apiVersion: v1\nclusters: []\nusers: [{name: u, user: {token: SUPER-SECRET-TOKEN}}]\n";
      const ext = new KubeSphereExtension("sec", { name: "devops", version: "1.1.2", kubeconfig: pulumi.secret(secret) },
        { catalog, progressReporter: silentProgress });
      await valueOf(ext.state);
      await settle();
      // Only the readiness resource receives it (its provider process must reach the cluster), and only
      // as a secret: encrypted in state like the Kubernetes provider's own kubeconfig, never plaintext.
      const ready = regs.find((r) => r.type === READINESS_TYPE && r.name === "sec-readiness")!;
      expect(ready.rawInputs.kubeconfig).to.have.property(SECRET_SIG);
      expect(withoutSecrets(regs.map((r) => r.rawInputs))).to.not.contain("SUPER-SECRET-TOKEN");
      expect(JSON.stringify(regs.map((r) => r.inputs))).to.not.contain("SUPER-SECRET-TOKEN");
      for (const key of Object.keys(ext) as Array<keyof typeof ext>) {
        const v = ext[key] as unknown;
        if (pulumi.Output.isInstance(v)) expect(JSON.stringify(await valueOf(v as pulumi.Output<unknown>)) ?? "").to.not.contain("SUPER-SECRET-TOKEN");
      }
      // The spec is not marked secret just because the kubeconfig was read to resolve it.
      expect(await (ext.installPlanSpec as any).isSecret).to.equal(false);
    });
  });
});

import { KubeSphereExtensionSet, membersOf } from "../components/extensionSet";

describe("KubeSphereExtensionSet under mocks", () => {
  const catalog = fixtureCatalog();

  it("orders the whole set topologically and creates one member per entry", async () => {
    const regs = await installMocks(false);
    const set = new KubeSphereExtensionSet("logging", {
      extensions: [
        { name: "whizard-logging", version: "1.2.2" },
        { name: "vector", version: "1.0.4" },
        { name: "whizard-telemetry", version: "1.2.2" },
        { name: "opensearch", version: "2.11.1" },
      ],
    }, { catalog, progressReporter: silentProgress });
    const o = await valueOf(set.order);
    expect(o.indexOf("vector")).to.be.lessThan(o.indexOf("whizard-logging"));
    expect(o.indexOf("whizard-telemetry")).to.be.lessThan(o.indexOf("whizard-logging"));
    expect(o).to.have.members(["whizard-logging", "vector", "whizard-telemetry", "opensearch"]);
    await Promise.all(Object.values(membersOf(set)).map((m) => valueOf(m.state)));
    await settle();
    expect(plans(regs).map((p) => p.name).sort()).to.deep.equal(
      ["logging-opensearch-installplan", "logging-vector-installplan", "logging-whizard-logging-installplan", "logging-whizard-telemetry-installplan"]);
    const logging = plans(regs).find((p) => p.name === "logging-whizard-logging-installplan")!;
    const vectorReady = regs.find((r) => r.type === READINESS_TYPE && r.name === "logging-vector-readiness")!;
    expect(logging.dependencies).to.include(vectorReady.urn);
  });

  it("refuses a set that names an extension twice", async () => {
    await installMocks(false);
    expect(() => new KubeSphereExtensionSet("dup", {
      extensions: [{ name: "vector", version: "1.0.4" }, { name: "vector", version: "1.0.4" }],
    }, { catalog })).to.throw(/appears more than once/);
  });
});

describe("KubeSphereExtension with an offline catalog (catalogPaths)", () => {
  it("resolves against YAML files and stated facts, and reports a missing dependency the same way", async () => {
    const { CATALOG_DIR } = await import("./support/sharedFixture");
    await installMocks(true);
    const ok = new KubeSphereExtension("ob", { name: "ob-operator", version: "2.3.2", catalogPaths: [CATALOG_DIR],
      ksVersion: "v4.1.3", kubeVersion: "v1.30.4", installedExtensions: { "cert-manager": "1.0.0" } }, { progressReporter: silentProgress });
    expect(await valueOf(ok.installedDependencies)).to.deep.equal(["cert-manager"]);
    const bad = new KubeSphereExtension("ob2", { name: "ob-operator", version: "2.3.2", catalogPaths: [CATALOG_DIR],
      ksVersion: "v4.1.3", kubeVersion: "v1.30.4" }, { progressReporter: silentProgress });
    const message = await valueOf(bad.version).then(() => "", (e) => (e as Error).message);
    expect(message).to.match(/requires extension cert-manager >= 1\.0\.0-0/);
  });
});

describe("KubeSphereExtension with unknown inputs in preview", () => {
  it("does not hang: the plan's spec is unknown, and other extensions still resolve and order", async () => {
    const regs = await installMocks(true);
    const catalog = fixtureCatalog();
    // A value that is unknown in preview: a property the mock did not return.
    const cm = new k8s.core.v1.ConfigMap("versions", { data: undefined });
    const unknownVersion = cm.data.apply((d) => d?.version ?? "1.0.0");
    expect(await (unknownVersion as any).isKnown).to.equal(false);
    const cmExt = new KubeSphereExtension("cm", { name: "cert-manager", version: unknownVersion }, { catalog, progressReporter: silentProgress });
    const gw = new KubeSphereExtension("gw", { name: "gateway", version: "1.0.5" }, { catalog, progressReporter: silentProgress });
    expect(await valueOf(gw.version)).to.equal("1.0.5");
    expect(await (cmExt.version as any).isKnown).to.equal(false);
    await settle();
    expect(plans(regs).map((p) => p.name).sort()).to.deep.equal(["cm-installplan", "gw-installplan"]);
  });
});
