import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KubeSphereExtension } from "../components/extension";
import { KubeSphereExtensionSet, membersOf } from "../components/extensionSet";
import { fixtureCatalog, CATALOG_DIR } from "./support/sharedFixture";
import { installMocks, READINESS_TYPE, Registration, SECRET_SIG, settle, valueOf, withoutSecrets } from "./support/pulumiMocks";

const PLAN = "kubernetes:kubesphere.io/v1alpha1:InstallPlan";
const COMPONENT = "kubesphere:index:KubeSphereExtension";

function plans(regs: Registration[]): Registration[] {
  return regs.filter((r) => r.type === PLAN);
}

async function failure(o: pulumi.Output<unknown>): Promise<string> {
  return valueOf(o).then(() => "", (e) => (e as Error).message);
}

describe("KubeSphereExtension under mocks", () => {
  let regs: Registration[];
  const catalog = fixtureCatalog();

  describe("emitting the InstallPlan", () => {
    before(async () => { regs = await installMocks(false); });

    it("emits exactly one InstallPlan as a child, named after the extension, with the resolved spec", async () => {
      const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
      const ext = new KubeSphereExtension("devops", { name: "devops", version: "1.1.2", config: { jenkins: { enabled: true } } },
        { provider, catalog });
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
      const ext = new KubeSphereExtension("bad", { name: "devops", version: "9.9.9" }, { catalog });
      const message = await failure(ext.version);
      expect(message).to.match(/no ExtensionVersion "devops-9\.9\.9"/);
      expect(message).to.match(/versions that exist: 1\.1\.1, 1\.1\.2, 1\.1\.3/);
      await settle(100);
      // Read again after every property that carries it was serialized: the message is as written, once.
      expect(await failure(ext.version)).to.match(/^extension "devops": /).and.not.contain("error serializing");
      // An unhandled rejection is reported with err.stack: it is the message, without JavaScript frames.
      const err = await valueOf(ext.version).then(() => undefined, (e: Error) => e);
      expect(err?.stack).to.equal(err?.message);
      expect(plans(regs).filter((p) => p.name === "bad-installplan" && p.urn !== "")).to.have.length(0);
      expect(plans(regs).length).to.equal(before);
    });

    it("validates Output inputs once they are known", async () => {
      const ext = new KubeSphereExtension("late", { name: pulumi.output("devops"), version: pulumi.output(Promise.resolve("^1.1")) }, { catalog });
      expect(await failure(ext.version)).to.match(/"\^1\.1" is not an exact version/);
    });

    it("rejects a string where a boolean is expected (stack config) instead of reading it as true", async () => {
      const ext = new KubeSphereExtension("str", { name: "devops", version: "1.1.2", allowDowngrade: "false" as unknown as boolean }, { catalog });
      const message = await failure(ext.version);
      expect(message).to.match(/allowDowngrade/);
      expect(message).to.match(/boolean/);
      expect(message).to.match(/"false"/);
    });
  });

  describe("ordering through dependsOn", () => {
    beforeEach(async () => { regs = await installMocks(false); });

    it("writes an extension's plan after the one it requires is READY (dependsOn expands to its plan and readiness)", async () => {
      const cm = new KubeSphereExtension("cm", { name: "cert-manager", version: "1.0.0" }, { catalog });
      const ob = new KubeSphereExtension("ob", { name: "ob-operator", version: "2.3.2" }, { catalog, dependsOn: [cm] });
      await valueOf(ob.state);
      await valueOf(cm.state);
      await settle();
      const find = (type: string, n: string) => regs.find((r) => r.type === type && r.name === n)!;
      const obPlan = find(PLAN, "ob-installplan");
      const cmPlan = find(PLAN, "cm-installplan");
      const cmReady = find(READINESS_TYPE, "cm-readiness");
      expect(obPlan.dependencies).to.include.members([cmPlan.urn, cmReady.urn]);
      expect(cmPlan.dependencies).to.not.include(obPlan.urn);
      expect(find(READINESS_TYPE, "ob-readiness").dependencies).to.include(obPlan.urn);
      expect(await valueOf(ob.requiredDependencies)).to.deep.equal(["cert-manager"]);
    });

    it("a required dependency that is neither installed nor stated fails at preview and says how to declare it — even when another component declares it", async () => {
      new KubeSphereExtension("cm", { name: "cert-manager", version: "1.0.0" }, { catalog });
      const ob = new KubeSphereExtension("ob", { name: "ob-operator", version: "2.3.2" }, { catalog });
      const message = await failure(ob.version);
      expect(message).to.match(/requires extension cert-manager/);
      expect(message).to.match(/dependsOn/);
      expect(message).to.match(/KubeSphereExtensionSet/);
      await settle(100);
      expect(plans(regs).filter((p) => p.name === "ob-installplan" && p.urn !== "")).to.have.length(0);
    });

    it("a stated dependency at a version outside the required range is refused", async () => {
      const strict = fixtureCatalog();
      (await strict.extensionVersions()).find((e) => e.metadata.name === "whizard-monitoring-1.1.1")!.spec.externalDependencies!
        .find((d) => d.name === "whizard-telemetry")!.version = ">=2.0.0";
      const tel = new KubeSphereExtension("tel", { name: "whizard-telemetry", version: "1.2.2" }, { catalog: strict });
      const mon = new KubeSphereExtension("mon", { name: "whizard-monitoring", version: "1.1.1" }, { catalog: strict, dependsOn: [tel] });
      expect(await failure(mon.version)).to.match(/declared in this program \(dependsOn\) at 1\.2\.2, which does not satisfy >=2\.0\.0/);
    });

    it("does not let an extension declared against another cluster satisfy a dependency", async () => {
      const a = new k8s.Provider("a", { kubeconfig: "{}" });
      const b = new k8s.Provider("b", { kubeconfig: "{}" });
      const cm = new KubeSphereExtension("cm", { name: "cert-manager", version: "1.0.0" }, { catalog, provider: a });
      const ob = new KubeSphereExtension("ob", { name: "ob-operator", version: "2.3.2" }, { catalog, provider: b, dependsOn: [cm] });
      expect(await failure(ob.version)).to.match(/requires extension cert-manager/);
    });

    it("counts every member of a KubeSphereExtensionSet stated in dependsOn", async () => {
      const base = new KubeSphereExtensionSet("base", { extensions: [{ name: "whizard-telemetry", version: "1.2.2" }] }, { catalog });
      const mon = new KubeSphereExtension("mon", { name: "whizard-monitoring", version: "1.1.1" }, { catalog, dependsOn: [base] });
      expect(await valueOf(mon.version)).to.equal("1.1.1");
      await settle();
      const monPlan = plans(regs).find((p) => p.name === "mon-installplan")!;
      const telReady = regs.find((r) => r.type === READINESS_TYPE && r.name === "base-whizard-telemetry-readiness")!;
      expect(monPlan.dependencies).to.include(telReady.urn);
    });
  });

  describe("one plan per extension", () => {
    it("two components that would write the same InstallPlan against one cluster: the second fails at preview", async () => {
      regs = await installMocks(true);
      await pulumi.runtime.runInPulumiStack(async () => {
        const a = new KubeSphereExtension("vector-a", { name: "vector", version: "1.0.4" }, { catalog });
        const b = new KubeSphereExtension("vector-b", { name: "vector", version: "1.0.4" }, { catalog });
        const messages = await Promise.all([a, b].map((x) => failure(x.version)));
        expect(messages.filter((m) => m !== "")).to.have.length(1);
        expect(messages.join("")).to.match(/declared twice in this program against the same cluster \(components "vector-a" and "vector-b"\)/);
        // Against another cluster the same name is another plan.
        const other = new k8s.Provider("other", { kubeconfig: "{}" });
        const c = new KubeSphereExtension("vector-c", { name: "vector", version: "1.0.4" }, { catalog, provider: other });
        expect(await failure(c.version)).to.equal("");
        return {};
      });
    });
  });

  describe("no state between runs", () => {
    it("a second run in the same process answers as a separate run (nothing declared is remembered)", async () => {
      regs = await installMocks(false);
      const cm = new KubeSphereExtension("cm", { name: "cert-manager", version: "1.0.0" }, { catalog });
      const ok = new KubeSphereExtension("ob", { name: "ob-operator", version: "2.3.2" }, { catalog, dependsOn: [cm] });
      expect(await valueOf(ok.version)).to.equal("2.3.2");
      regs = await installMocks(false);
      const alone = new KubeSphereExtension("ob", { name: "ob-operator", version: "2.3.2" }, { catalog });
      expect(await failure(alone.version)).to.match(/requires extension cert-manager/);
    });
  });

  describe("preview", () => {
    before(async () => { regs = await installMocks(true); });

    it("resolves and shows the plan; readiness outputs stay unknown", async () => {
      const ext = new KubeSphereExtension("gw", { name: "gateway", version: "1.0.5" }, { catalog });
      expect(await valueOf(ext.version)).to.equal("1.0.5");
      await settle();
      expect(plans(regs).find((p) => p.name === "gw-installplan")?.inputs.spec.extension).to.deep.equal({ name: "gateway", version: "1.0.5" });
    });
  });

  describe("secrets", () => {
    beforeEach(async () => { regs = await installMocks(false); });

    it("never puts the kubeconfig into the plan, the outputs, the component inputs or plaintext state", async () => {
      const secret = "apiVersion: v1\nclusters: []\nusers: [{name: u, user: {token: SUPER-SECRET-TOKEN}}]\n";
      const ext = new KubeSphereExtension("sec", { name: "devops", version: "1.1.2", kubeconfig: pulumi.secret(secret) }, { catalog });
      await valueOf(ext.state);
      await settle();
      // Only the readiness resource receives it (its provider must reach the cluster), and only as a secret.
      const ready = regs.find((r) => r.type === READINESS_TYPE && r.name === "sec-readiness")!;
      expect(ready.rawInputs.kubeconfig).to.have.property(SECRET_SIG);
      expect(withoutSecrets(regs.map((r) => r.rawInputs))).to.not.contain("SUPER-SECRET-TOKEN");
      expect(JSON.stringify(regs.map((r) => r.inputs))).to.not.contain("SUPER-SECRET-TOKEN");
      for (const key of Object.keys(ext) as Array<keyof typeof ext>) {
        const v = ext[key] as unknown;
        if (pulumi.Output.isInstance(v)) expect(JSON.stringify(await valueOf(v as pulumi.Output<unknown>)) ?? "").to.not.contain("SUPER-SECRET-TOKEN");
      }
      // Nothing is marked secret just because the kubeconfig was read to resolve it.
      expect(await pulumi.isSecret(ext.installPlanSpec)).to.equal(false);
      expect(await pulumi.isSecret(ext.configHash)).to.equal(false);
    });

    for (const [label, args] of [
      ["config", { config: pulumi.secret({ jenkins: { adminPassword: "VERY-SECRET-VALUE" } }) }],
      ["configYaml", { configYaml: pulumi.secret("jenkins:\n  adminPassword: VERY-SECRET-VALUE\n") }],
      ["an override", { clusterScheduling: pulumi.secret({ clusters: ["member1"], overrides: { member1: { agent: { token: "VERY-SECRET-VALUE" } } } }) }],
      ["value nested in a plain config", { config: { jenkins: { adminPassword: pulumi.secret("VERY-SECRET-VALUE") } } }],
      ["override nested in a plain placement", { clusterScheduling: { clusters: ["member1"], overrides: pulumi.secret({ member1: { agent: { token: "VERY-SECRET-VALUE" } } }) } }],
    ] as const) {
      it(`a secret ${label} stays secret in the plan's spec, installPlanSpec, configHash and the readiness expectation`, async () => {
        const ext = new KubeSphereExtension(`s-${label.replace(/\W/g, "")}`, { name: "devops", version: "1.1.2", ...args } as never, { catalog });
        await valueOf(ext.state);
        await settle();
        const plan = plans(regs).find((p) => p.name === `s-${label.replace(/\W/g, "")}-installplan`)!;
        expect(plan.rawInputs.spec).to.have.property(SECRET_SIG);
        expect(withoutSecrets(regs.map((r) => r.rawInputs))).to.not.contain("VERY-SECRET-VALUE");
        const ready = regs.find((r) => r.type === READINESS_TYPE && r.name === `s-${label.replace(/\W/g, "")}-readiness`)!;
        expect(ready.rawInputs.expected).to.have.property(SECRET_SIG);
        expect(ready.rawInputs.specHash).to.have.property(SECRET_SIG);
        expect(await pulumi.isSecret(ext.installPlanSpec)).to.equal(true);
        expect(await pulumi.isSecret(ext.configHash)).to.equal(true);
        // What does not derive from the values is not tainted.
        expect(await pulumi.isSecret(ext.extensionName)).to.equal(false);
        expect(await pulumi.isSecret(ext.version)).to.equal(false);
        expect(plan.rawInputs.metadata).to.not.have.property(SECRET_SIG);
      });
    }
  });
});

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
    }, { catalog });
    const o = await valueOf(set.order);
    expect(o.indexOf("vector")).to.be.lessThan(o.indexOf("whizard-logging"));
    expect(o.indexOf("whizard-telemetry")).to.be.lessThan(o.indexOf("whizard-logging"));
    expect(o).to.have.members(["whizard-logging", "vector", "whizard-telemetry", "opensearch"]);
    expect(await valueOf(set.versions)).to.deep.equal({ "whizard-logging": "1.2.2", vector: "1.0.4", "whizard-telemetry": "1.2.2", opensearch: "2.11.1" });
    await Promise.all(Object.values(membersOf(set)).map((m) => valueOf(m.state)));
    await settle();
    expect(plans(regs).map((p) => p.name).sort()).to.deep.equal(
      ["logging-opensearch-installplan", "logging-vector-installplan", "logging-whizard-logging-installplan", "logging-whizard-telemetry-installplan"]);
    const logging = plans(regs).find((p) => p.name === "logging-whizard-logging-installplan")!;
    const vectorReady = regs.find((r) => r.type === READINESS_TYPE && r.name === "logging-vector-readiness")!;
    expect(logging.dependencies).to.include(vectorReady.urn);
    const opensearch = plans(regs).find((p) => p.name === "logging-opensearch-installplan")!;
    expect(opensearch.dependencies).to.deep.equal([]);
  });

  it("host order: a set that dependsOn another host's set writes none of its plans before that set is ready", async () => {
    const regs = await installMocks(false);
    const staging = new k8s.Provider("staging", { kubeconfig: "{}" });
    const prod = new k8s.Provider("prod", { kubeconfig: "{}" });
    const first = new KubeSphereExtensionSet("staging", { extensions: [{ name: "gateway", version: "1.0.5" }] }, { catalog, provider: staging });
    const second = new KubeSphereExtensionSet("prod", { extensions: [{ name: "gateway", version: "1.0.5" }] },
      { catalog, provider: prod, dependsOn: [first] });
    await valueOf(second.order);
    await Promise.all([first, second].flatMap((s) => Object.values(membersOf(s)).map((m) => valueOf(m.state))));
    await settle();
    const prodPlan = plans(regs).find((p) => p.name === "prod-gateway-installplan")!;
    const stagingReady = regs.find((r) => r.type === READINESS_TYPE && r.name === "staging-gateway-readiness")!;
    expect(prodPlan.dependencies).to.include(stagingReady.urn);
    expect(prodPlan.provider).to.match(/::prod::/);
  });

  it("names a dependency cycle and writes nothing", async () => {
    const regs = await installMocks(false);
    const cyc = fixtureCatalog();
    const evs = await cyc.extensionVersions();
    // Make whizard-telemetry require whizard-monitoring, which already requires whizard-telemetry.
    evs.find((e) => e.metadata.name === "whizard-telemetry-1.2.2")!.spec.externalDependencies =
      [{ name: "whizard-monitoring", version: ">=1.0.0", required: true, type: "extension" }];
    const set = new KubeSphereExtensionSet("cyc", {
      extensions: [{ name: "whizard-monitoring", version: "1.1.1" }, { name: "whizard-telemetry", version: "1.2.2" }],
    }, { catalog: cyc });
    expect(await failure(set.order)).to.match(/cycle: whizard-(monitoring|telemetry) -> whizard-(telemetry|monitoring) -> whizard-\1/);
    await settle(100);
    expect(plans(regs).filter((p) => p.urn !== "")).to.have.length(0);
  });

  it("reports every member's problem in one error", async () => {
    await installMocks(false);
    const set = new KubeSphereExtensionSet("bad", {
      extensions: [{ name: "devops", version: "9.9.9" }, { name: "gateway", version: "^1" }, { name: "vector", version: "1.0.4" }],
    }, { catalog });
    const message = await failure(set.order);
    expect(message).to.match(/devops-9\.9\.9/);
    expect(message).to.match(/"\^1" is not an exact version/);
    // The members point at the set's error instead of repeating it.
    for (const m of Object.values(membersOf(set))) {
      expect(await failure(m.version)).to.equal('not written: set "bad" did not resolve (its error lists every problem)');
    }
  });

  it("refuses a set that names an extension twice", async () => {
    await installMocks(false);
    const set = new KubeSphereExtensionSet("dup", {
      extensions: [{ name: "vector", version: "1.0.4" }, { name: "vector", version: "1.0.4" }],
    }, { catalog });
    expect(await failure(set.order)).to.match(/extensions\[0\] and extensions\[1\] all declare "vector".*declare each extension once/);
  });
});

describe("KubeSphereExtension with an offline catalog (catalogPaths)", () => {
  it("resolves against YAML files and stated facts, and reports a missing dependency the same way", async () => {
    await installMocks(true);
    const ok = new KubeSphereExtension("ob", { name: "ob-operator", version: "2.3.2", catalogPaths: [CATALOG_DIR],
      ksVersion: "v4.1.3", kubeVersion: "v1.30.4", installedExtensions: { "cert-manager": "1.0.0" } });
    expect(await valueOf(ok.installedDependencies)).to.deep.equal(["cert-manager"]);
    const bad = new KubeSphereExtension("ob2", { name: "ob-operator", version: "2.3.2", catalogPaths: [CATALOG_DIR],
      ksVersion: "v4.1.3", kubeVersion: "v1.30.4" });
    expect(await failure(bad.version)).to.match(/requires extension cert-manager/);
  });
});

describe("staged rollouts", () => {
  const catalog = fixtureCatalog();

  it("plans the waves at preview; the readiness resource owns the placement (the InstallPlan resource never writes it)", async () => {
    const regs = await installMocks(true);
    const ext = new KubeSphereExtension("devops", {
      name: "devops", version: "1.1.2", clusterScheduling: { clusters: ["member1", "member2"] }, rollout: { batchSize: 1, pauseSeconds: 30 },
    }, { catalog });
    expect(await valueOf(ext.rolloutWaves)).to.deep.equal([["member1"], ["member2"]]);
    await settle();
    const plan = plans(regs).find((p) => p.name === "devops-installplan")!;
    expect(plan.inputs.spec).to.not.have.property("clusterScheduling");
    const ready = regs.find((r) => r.type === READINESS_TYPE && r.name === "devops-readiness")!;
    expect(ready.inputs.rollout).to.deep.include({ rollout: { batchSize: 1, pauseSeconds: 30 }, targets: ["member1", "member2"] });
    expect(ready.inputs.rollout.desired.placement.clusters).to.deep.equal(["member1", "member2"]);
    // Without a rollout the plan carries its placement as before.
    const plain = new KubeSphereExtension("gw", { name: "gateway", version: "1.0.5", clusterScheduling: { clusters: ["member1"] } }, { catalog });
    expect(await valueOf(plain.rolloutWaves)).to.deep.equal([]);
    await settle();
    expect(plans(regs).find((p) => p.name === "gw-installplan")!.inputs.spec.clusterScheduling.placement.clusters).to.deep.equal(["member1"]);
  });

  it("a bad rollout fails preview naming the field; set members name their entry", async () => {
    await installMocks(true);
    const bad = new KubeSphereExtension("devops", {
      name: "devops", version: "1.1.2", clusterScheduling: { clusters: ["member1", "member2"] }, rollout: { batchSize: "1" as unknown as number },
    }, { catalog });
    expect(await failure(bad.version)).to.match(/rollout\.batchSize/).and.to.match(/"1"/);
    const set = new KubeSphereExtensionSet("s", { extensions: [
      { name: "devops", version: "1.1.2", clusterScheduling: { clusters: ["member1", "member2"] }, rollout: { waves: [["member1"]] } },
    ] }, { catalog });
    expect(await failure(membersOf(set).devops.version)).to.match(/extensions\["devops"\]\.rollout\.waves/).and.to.match(/member2/);
  });
});

describe("config checked against the chart (chartsPath)", () => {
  const CHARTS = require("path").resolve(__dirname, "fixtures/charts");
  const catalog = fixtureCatalog();

  it("a typo is a warning by default and an error with strictConfig, naming the path, the line and the nearest key", async () => {
    await installMocks(true);
    const config = { "kube-prometheus-stack": { prometheus: { prometheusSpec: { retentoin: "15d" } } } };
    const lenient = new KubeSphereExtension("lenient", { name: "whizard-monitoring", version: "1.1.1", config, chartsPath: CHARTS },
      { catalog, dependsOn: [new KubeSphereExtension("tel", { name: "whizard-telemetry", version: "1.2.2" }, { catalog })] });
    expect(await failure(lenient.version)).to.equal("");
    const strict = new KubeSphereExtension("strict", { name: "whizard-monitoring", version: "1.1.1", config, chartsPath: CHARTS, strictConfig: true },
      { catalog, dependsOn: [new KubeSphereExtension("tel2", { name: "whizard-telemetry", version: "1.2.2" }, { catalog })] });
    const message = await failure(strict.version);
    expect(message).to.contain("kube-prometheus-stack.prometheus.prometheusSpec.retentoin");
    expect(message).to.match(/line 4/);
    expect(message).to.contain("retention");
    expect(message).to.contain("strictConfig");
  });

  it("the README's and the examples' real configs raise nothing, even strictly", async () => {
    await installMocks(true);
    const ok = new KubeSphereExtensionSet("ok", {
      extensions: [
        { name: "whizard-telemetry", version: "1.2.2" },
        { name: "whizard-monitoring", version: "1.1.1", config: { "kube-prometheus-stack": { prometheus: { prometheusSpec: { retention: "15d" } } } } },
        { name: "devops", version: "1.1.2", config: { agent: { jenkins: { Master: { resources: { limits: { memory: "4Gi" } } } } } },
          clusterScheduling: { clusters: ["member1"], overrides: { member1: { agent: { apiserver: { replicas: 2 } } } } } },
        { name: "gateway", version: "1.0.5", config: { backend: { apiserver: { replicaCount: 1 } } },
          clusterScheduling: { clusters: ["host", "member1"], overrides: { member1: { backend: { apiserver: { replicaCount: 2 } } } } } },
      ],
      chartsPath: CHARTS, strictConfig: true,
    }, { catalog });
    expect(await failure(ok.order)).to.equal("");
  });
});

describe("KubeSphereExtension with unknown inputs in preview", () => {
  it("does not hang: the plan's spec is unknown, and other extensions still resolve", async () => {
    const regs = await installMocks(true);
    const catalog = fixtureCatalog();
    // A value that is unknown in preview: a property the mock did not return.
    const cm = new k8s.core.v1.ConfigMap("versions", { data: undefined });
    const unknownVersion = cm.data.apply((d) => d?.version ?? "1.0.0");
    expect(await (unknownVersion as any).isKnown).to.equal(false);
    const cmExt = new KubeSphereExtension("cm", { name: "cert-manager", version: unknownVersion }, { catalog });
    const gw = new KubeSphereExtension("gw", { name: "gateway", version: "1.0.5" }, { catalog, dependsOn: [cmExt] });
    expect(await valueOf(gw.version)).to.equal("1.0.5");
    expect(await (cmExt.version as any).isKnown).to.equal(false);
    await settle();
    expect(plans(regs).map((p) => p.name).sort()).to.deep.equal(["cm-installplan", "gw-installplan"]);
  });
});
