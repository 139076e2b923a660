import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { LiveCatalog } from "../components/catalog/liveCatalog";
import { resolveExtension } from "../components/resolve/resolve";
import { KubeSphereExtension } from "../components/extension";
import { fixtureCatalog } from "./support/sharedFixture";
import { startFakeCluster, FakeCluster } from "./support/fakeApiServer";
import { installMocks, settle, valueOf, withoutSecrets } from "./support/pulumiMocks";

const KINDS = ["extensionversions", "extensions", "repositories", "clusters", "installplans"];

describe("LiveCatalog against a local Kubernetes API", () => {
  let env: FakeCluster;
  beforeEach(async () => {
    env = await startFakeCluster({ members: ["member1", "member2"] });
  });
  afterEach(async () => { await env.close(); });

  it("gives the same answers as the static catalog for the same objects", async () => {
    const live = new LiveCatalog({ kubeconfig: env.kubeconfig });
    const offline = fixtureCatalog();
    const req = { name: "devops", version: "1.1.2", config: { a: 1 }, clusterScheduling: { clusters: ["member1"] } };
    const a = await resolveExtension(live, req);
    const b = await resolveExtension(offline, req);
    expect(a.installPlan).to.deep.equal(b.installPlan);
    expect(a.targetClusters).to.deep.equal(b.targetClusters);
    expect(a.configHash).to.equal(b.configHash);
    expect((await live.extensionVersions()).length).to.equal((await offline.extensionVersions()).length);
  });

  it("discovers the KubeSphere and Kubernetes versions", async () => {
    const live = new LiveCatalog({ kubeconfig: env.kubeconfig });
    const v = await live.hostVersions();
    expect(v.ksVersion).to.equal("v4.1.3");
    expect(v.kubeVersion).to.equal("v1.30.4");
    expect(v.ksVersionSource).to.equal("ks-apiserver /kapis/version");
  });

  it("falls back to the host Cluster's status.kubeSphereVersion when /kapis/version is not served", async () => {
    env.server.setVersions({ kubesphere: null });
    const v = await new LiveCatalog({ kubeconfig: env.kubeconfig }).hostVersions();
    expect(v.ksVersion).to.equal("v4.1.3");
    expect(v.ksVersionSource).to.equal("Cluster host status.kubeSphereVersion");
  });

  it("says the KubeSphere version is unknown (and resolution asks for it) when it cannot be read", async () => {
    env.server.setVersions({ kubesphere: null });
    env.server.store.patch("clusters", "host", undefined, "merge", { status: { kubeSphereVersion: null } });
    const live = new LiveCatalog({ kubeconfig: env.kubeconfig });
    expect((await live.hostVersions()).ksVersion).to.equal(undefined);
    let problems: string[] = [];
    await resolveExtension(live, { name: "devops", version: "1.1.2" }).catch((e) => { problems = e.problems; });
    expect(problems.join("\n")).to.match(/KubeSphere version of the host could not be determined; state it with the `ksVersion` argument/);
    const stated = new LiveCatalog({ kubeconfig: env.kubeconfig, ksVersion: "v4.1.3" });
    expect((await resolveExtension(stated, { name: "devops", version: "1.1.2" })).version).to.equal("1.1.2");
  });

  it("makes one LIST per kind however many extensions resolve", async () => {
    const live = new LiveCatalog({ kubeconfig: env.kubeconfig });
    env.server.resetRequests();
    const names: Array<[string, string]> = [["devops", "1.1.2"], ["gateway", "1.0.5"], ["cert-manager", "1.0.0"], ["vector", "1.0.4"], ["grafana", "10.4.1"]];
    await Promise.all(names.map(([n, v]) => resolveExtension(live, { name: n, version: v })));
    for (const resource of KINDS) {
      expect(env.server.countRequests({ verb: "list", resource }), resource).to.equal(1);
    }
    expect(env.server.countRequests({ verb: "get" })).to.equal(0);
  });

  it("one LIST per kind for a whole program of components, with the kubeconfig as a secret input", async () => {
    const regs = await installMocks(true);
    env.server.resetRequests();
    const kubeconfig = pulumi.secret(env.kubeconfig);
    // Catalog reads are shared per program run, i.e. per root stack resource: run as a program does.
    await pulumi.runtime.runInPulumiStack(async () => {
      const exts = [["devops", "1.1.2"], ["gateway", "1.0.5"], ["cert-manager", "1.0.0"]]
        .map(([n, v]) => new KubeSphereExtension(n, { name: n, version: v, kubeconfig }));
      // ob-operator requires cert-manager: a declared dependency is stated in dependsOn.
      exts.push(new KubeSphereExtension("ob-operator", { name: "ob-operator", version: "2.3.2", kubeconfig }, { dependsOn: [exts[2]] }));
      for (const e of exts) await valueOf(e.version);
      return {};
    });
    await settle();
    for (const resource of KINDS) expect(env.server.countRequests({ verb: "list", resource }), resource).to.equal(1);
    expect(withoutSecrets(regs.map((r) => r.rawInputs))).to.not.contain(env.server.token ?? "never");
    expect(JSON.stringify(regs.map((r) => r.inputs))).to.not.contain(env.server.token ?? "never");
  });

  it("retries a failed LIST on the next call instead of caching the failure", async () => {
    env.server.injectFault({ match: { verb: "list", resource: "extensionversions" }, action: { kind: "status", code: 500 } });
    const live = new LiveCatalog({ kubeconfig: env.kubeconfig });
    let message = "";
    await live.extensionVersions().catch((e) => { message = e.message; });
    expect(message).to.match(/cannot list extensionversions\.kubesphere\.io/);
    expect((await live.extensionVersions()).length).to.equal(37);
  });

  it("explains an unauthorised identity", async () => {
    const bad = env.kubeconfig.replace(env.server.token!, "wrong-token");
    const live = new LiveCatalog({ kubeconfig: bad });
    let message = "";
    await live.extensions().catch((e) => { message = e.message; });
    expect(message).to.match(/cannot list extensions\.kubesphere\.io on the cluster at http:\/\/127\.0\.0\.1:\d+/);
    expect(message).to.not.contain("wrong-token");
  });

  it("rejects an unknown context with the contexts that exist", () => {
    expect(() => new LiveCatalog({ kubeconfig: env.kubeconfig, context: "nope" })).to.throw(/no context "nope"; contexts: /);
  });
});
