/**
 * The simulated API server, exercised only through the real `@kubernetes/client-node` client
 * over HTTP: CRUD semantics, optimistic concurrency, finalizers, watches (resumption, 410,
 * selectors, bookmarks), admission, pod logs, discovery and fault injection.
 */
import * as k8s from "@kubernetes/client-node";
import { Writable } from "node:stream";
import { expect } from "chai";
import { ManualClock } from "../../simulator/clock";
import { POD_LOG_ANNOTATION_PREFIX } from "../../simulator/apiServer";
import { humanDuration } from "../../simulator/table";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { collectWatch } from "../support/watchCollector";

const KS = { group: "kubesphere.io", version: "v1alpha1" } as const;
const IP_PATH = "/apis/kubesphere.io/v1alpha1/installplans";

function plan(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name },
    spec: { extension: { name, version: "1.1.1" }, enabled: true, ...extra },
  };
}

/** Awaits a rejected client call and returns the parsed Status body. */
async function statusOf(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; kind: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; body?: unknown };
    const body = typeof err.body === "string" ? JSON.parse(err.body) : err.body;
    expect(body, `error body of ${String(e)}`).to.be.an("object");
    expect(body.code).to.equal(err.code);
    return body;
  }
  throw new Error("expected the call to fail");
}

describe("simulator API server (through @kubernetes/client-node)", () => {
  let env: FakeCluster;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock("2026-03-01T10:00:00Z");
    env = await startFakeCluster({ clock, members: ["member1"], bookmarkIntervalMs: 20 });
  });
  afterEach(() => env.close());

  describe("reads", () => {
    it("lists ExtensionVersions by label selector and reports the list resourceVersion", async () => {
      const list = await env.custom.listClusterCustomObject({ ...KS, plural: "extensionversions", labelSelector: "kubesphere.io/extension-ref=devops" });
      expect(list.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.deep.equal(["devops-1.1.1", "devops-1.1.2", "devops-1.1.3"]);
      expect(list.metadata.resourceVersion).to.equal(env.server.store.resourceVersion);
      expect(list.kind).to.equal("ExtensionVersionList");
    });

    it("supports in, notin, != and existence selectors", async () => {
      const names = async (labelSelector: string): Promise<string[]> =>
        (await env.custom.listClusterCustomObject({ ...KS, plural: "extensions", labelSelector })).items.map((i: { metadata: { name: string } }) => i.metadata.name);
      expect(await names("kubesphere.io/category in (integration-delivery)")).to.deep.equal(["devops"]);
      const all = await names("");
      const notDevops = await names("kubesphere.io/category notin (integration-delivery)");
      expect(notDevops).to.not.include("devops");
      expect(notDevops.length).to.equal(all.length - 1);
      expect(await names("!kubesphere.io/repository-ref")).to.deep.equal([]);
      expect(await names("kubesphere.io/repository-ref")).to.deep.equal(all);
      expect(await names("kubesphere.io/category!=integration-delivery")).to.deep.equal(notDevops);
      const clusters = await env.custom.listClusterCustomObject({ group: "cluster.kubesphere.io", version: "v1alpha1", plural: "clusters", labelSelector: "cluster-role.kubesphere.io/host" });
      expect(clusters.items.map((c: { metadata: { name: string } }) => c.metadata.name)).to.deep.equal(["host"]);
    });

    it("supports the metadata.name field selector and rejects unknown fields with 400", async () => {
      const one = await env.custom.listClusterCustomObject({ ...KS, plural: "extensions", fieldSelector: "metadata.name=devops" });
      expect(one.items).to.have.length(1);
      const st = await statusOf(env.custom.listClusterCustomObject({ ...KS, plural: "extensions", fieldSelector: "spec.icon=x" }));
      expect(st.code).to.equal(400);
      expect(st.message).to.equal("field label not supported: spec.icon");
    });

    it("pages with limit and continue", async () => {
      const first = await env.custom.listClusterCustomObject({ ...KS, plural: "categories", limit: 4 });
      expect(first.items).to.have.length(4);
      expect(first.metadata._continue ?? first.metadata.continue).to.be.a("string");
      const second = await env.custom.listClusterCustomObject({ ...KS, plural: "categories", limit: 100, _continue: first.metadata._continue ?? first.metadata.continue });
      expect(first.items.length + second.items.length).to.equal(11);
    });

    it("returns NotFound as a real Status object", async () => {
      const st = await statusOf(env.custom.getClusterCustomObject({ ...KS, plural: "installplans", name: "devops" }));
      expect(st).to.include({ kind: "Status", code: 404, reason: "NotFound", message: 'installplans.kubesphere.io "devops" not found' });
    });

    it("serves /version and the configurable KubeSphere /kapis/version", async () => {
      expect((await env.kc.makeApiClient(k8s.VersionApi).getCode()).gitVersion).to.equal("v1.30.4");
      env.server.setVersions({ kubernetes: "v1.31.2-tke.1", kubesphere: "v4.2.0-alpha.1" });
      expect((await env.kc.makeApiClient(k8s.VersionApi).getCode()).minor).to.equal("31");
      const res = await fetch(`${env.server.url}/kapis/version`, { headers: { Authorization: `Bearer ${env.server.token}` } });
      expect(((await res.json()) as { gitVersion: string }).gitVersion).to.equal("v4.2.0-alpha.1");
      env.server.setVersions({ kubesphere: null });
      expect((await fetch(`${env.server.url}/kapis/version`, { headers: { Authorization: `Bearer ${env.server.token}` } })).status).to.equal(404);
    });

    it("serves discovery with the extensions category on all five kubesphere.io kinds", async () => {
      const r = await fetch(`${env.server.url}/apis/kubesphere.io/v1alpha1`, { headers: { Authorization: `Bearer ${env.server.token}` } });
      const body = (await r.json()) as { resources: Array<{ name: string; namespaced: boolean; categories?: string[] }> };
      expect(body.resources.filter((x) => x.categories?.includes("extensions")).map((x) => x.name).sort())
        .to.deep.equal(["categories", "extensions", "extensionversions", "installplans", "repositories"]);
      expect(body.resources.every((x) => x.namespaced === false)).to.equal(true);
    });

    it("answers kubectl's Table requests with NAME plus the CRD printer columns, or NAME and AGE", async () => {
      const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
      const get = async (path: string): Promise<{ columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: unknown[]; object: { kind: string } }> }> =>
        (await (await fetch(`${env.server.url}${path}`, { headers: { Authorization: `Bearer ${env.server.token}`, Accept: TABLE } })).json()) as never;
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: { ...plan("devops"), status: { state: "Installing" } } });
      const plans = await get("/apis/kubesphere.io/v1alpha1/installplans");
      expect(plans.columnDefinitions.map((c) => c.name)).to.deep.equal(["Name", "State"]);
      expect(plans.rows.map((r) => r.cells)).to.deep.equal([["devops", "Installing"]]);
      expect(plans.rows[0].object.kind).to.equal("PartialObjectMetadata");
      clock.advance(185_000);
      const evs = await get("/apis/kubesphere.io/v1alpha1/extensionversions/devops-1.1.1");
      expect(evs.columnDefinitions.map((c) => c.name)).to.deep.equal(["Name", "Age"]);
      expect(evs.rows[0].cells).to.deep.equal(["devops-1.1.1", "3m5s"]);
      const clusters = await get("/apis/cluster.kubesphere.io/v1alpha1/clusters");
      expect(clusters.rows.map((r) => r.cells)).to.deep.equal([["host", "simulator", "v1.30.4"], ["member1", "simulator", "v1.30.4"]]);
    });

    it("prints ages like apimachinery's HumanDuration", () => {
      const cases: Array<[number, string]> = [[-5000, "<invalid>"], [-500, "0s"], [59_000, "59s"], [125_000, "2m5s"], [600_000, "10m"], [3 * 3600_000 + 60_000, "3h1m"], [30 * 3600_000, "30h"], [50 * 3600_000, "2d2h"], [400 * 86400_000, "400d"], [3 * 365 * 86400_000 + 86400_000, "3y1d"]];
      for (const [ms, text] of cases) expect(humanDuration(ms), String(ms)).to.equal(text);
    });

    it("rejects requests without the bearer token with 401", async () => {
      const r = await fetch(`${env.server.url}/apis/kubesphere.io/v1alpha1/extensions`);
      expect(r.status).to.equal(401);
      expect(((await r.json()) as { reason: string }).reason).to.equal("Unauthorized");
    });

    it("records requests without headers so counts per kind can be asserted", async () => {
      env.server.resetRequests();
      await env.custom.listClusterCustomObject({ ...KS, plural: "extensions" });
      await env.custom.listClusterCustomObject({ ...KS, plural: "extensionversions" });
      await env.custom.getClusterCustomObject({ ...KS, plural: "extensions", name: "devops" });
      expect(env.server.countRequests({ verb: "list", resource: "extensions" })).to.equal(1);
      expect(env.server.countRequests({ verb: "list" })).to.equal(2);
      expect(env.server.countRequests({ verb: "get", name: "devops" })).to.equal(1);
      expect(JSON.stringify(env.server.requests)).to.not.include(String(env.server.token));
    });
  });

  describe("writes", () => {
    it("creates with server-set identity fields and 409 AlreadyExists on a second create", async () => {
      const created = await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") });
      expect(created.metadata.uid).to.match(/^[0-9a-f-]{36}$/u);
      expect(created.metadata.creationTimestamp).to.equal("2026-03-01T10:00:00Z");
      expect(created.metadata.generation).to.equal(1);
      expect(created.metadata.resourceVersion).to.equal(env.server.store.resourceVersion);
      const st = await statusOf(env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") }));
      expect(st).to.include({ code: 409, reason: "AlreadyExists", message: 'installplans.kubesphere.io "devops" already exists' });
    });

    it("applies the InstallPlan webhook trim and the upgradeStrategy default", async () => {
      const created = await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops", {
        config: "a: b  \r\nc:\t\n   \n",
        clusterScheduling: { placement: { clusters: ["member1"] }, overrides: { member1: "x: 1 \r\n" } },
      }) });
      expect(created.spec.config).to.equal("a: b\nc:\n\n");
      expect(created.spec.clusterScheduling.overrides.member1).to.equal("x: 1\n");
      expect(created.spec.upgradeStrategy).to.equal("Manual");
    });

    it("denies unparsable config with the webhook's message, on create and on update", async () => {
      const st = await statusOf(env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops", { config: "a: [" }) }));
      expect(st.code).to.equal(403);
      expect(st.message).to.match(/^admission webhook "installplans\.kubesphere\.io" denied the request: failed to unmarshal extension config: error converting YAML to JSON: yaml: line 1: /u);
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") });
      const st2 = await statusOf(env.custom.patchClusterCustomObject({ ...KS, plural: "installplans", name: "devops",
        body: [{ op: "add", path: "/spec/clusterScheduling", value: { placement: {}, overrides: { member1: "\tx: 1" } } }] }));
      expect(st2.message).to.include("failed to unmarshal cluster member1 agent config: ");
    });

    it("lets Helm-managed InstallPlans bypass the webhooks but not the schema", async () => {
      const created = await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: { ...plan("devops", { config: "a: [" }), metadata: { name: "devops", labels: { "app.kubernetes.io/managed-by": "Helm" } } } });
      expect(created.spec.config).to.equal("a: [");
      const st = await statusOf(env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: { apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "x" }, spec: { extension: { name: "x" } } } }));
      expect(st).to.include({ code: 422, reason: "Invalid" });
      expect(st.message).to.equal('InstallPlan.kubesphere.io "x" is invalid: [spec.extension.version: Required value, spec.enabled: Required value]');
    });

    it("bumps generation on every non-metadata change of a CR (no status subresource), not on metadata", async () => {
      const c = await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") });
      const labelled = await env.custom.patchClusterCustomObject({ ...KS, plural: "installplans", name: "devops", body: [{ op: "add", path: "/metadata/labels", value: { a: "b" } }] });
      expect(labelled.metadata.generation).to.equal(1);
      const withStatus = await env.custom.replaceClusterCustomObject({ ...KS, plural: "installplans", name: "devops", body: { ...labelled, status: { state: "Preparing" } } });
      expect(withStatus.metadata.generation).to.equal(2);
      expect(withStatus.status.state).to.equal("Preparing");
      expect(Number(withStatus.metadata.resourceVersion)).to.be.greaterThan(Number(c.metadata.resourceVersion));
    });

    it("rejects a PUT with a stale resourceVersion with 409 Conflict", async () => {
      const c = await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") });
      await env.custom.replaceClusterCustomObject({ ...KS, plural: "installplans", name: "devops", body: { ...c, spec: { ...c.spec, enabled: false } } });
      const st = await statusOf(env.custom.replaceClusterCustomObject({ ...KS, plural: "installplans", name: "devops", body: { ...c, spec: { ...c.spec, config: "x: 1" } } }));
      expect(st).to.include({ code: 409, reason: "Conflict" });
      expect(st.message).to.equal('Operation cannot be fulfilled on installplans.kubesphere.io "devops": the object has been modified; please apply your changes to the latest version and try again');
    });

    it("applies merge patches when the client sends application/merge-patch+json", async () => {
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops", { config: "a: 1\n" }) });
      const patched = await env.custom.patchClusterCustomObject(
        { ...KS, plural: "installplans", name: "devops", body: { spec: { config: null, enabled: false } } },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
      );
      expect(patched.spec).to.not.have.property("config");
      expect(patched.spec.enabled).to.equal(false);
      expect(env.server.requests.at(-1)?.contentType).to.equal("application/merge-patch+json");
    });

    it("refuses strategic merge patches on custom resources with 415", async () => {
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") });
      const st = await statusOf(env.custom.patchClusterCustomObject(
        { ...KS, plural: "installplans", name: "devops", body: { spec: { enabled: false } } },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.StrategicMergePatch),
      ));
      expect(st).to.include({ code: 415, reason: "UnsupportedMediaType" });
    });

    it("approximates server-side apply as create-or-merge and honours dryRun=All", async () => {
      const apply = (yaml: string, query = ""): Promise<Response> => fetch(`${env.server.url}/apis/kubesphere.io/v1alpha1/installplans/devops?fieldManager=kubectl${query}`, {
        method: "PATCH", body: yaml, headers: { Authorization: `Bearer ${env.server.token}`, "Content-Type": "application/apply-patch+yaml" },
      });
      const doc = "apiVersion: kubesphere.io/v1alpha1\nkind: InstallPlan\nmetadata:\n  name: devops\nspec:\n  extension: {name: devops, version: 1.1.1}\n  enabled: true\n  config: \"a: 1  \\n\"\n";
      const dry = await apply(doc, "&dryRun=All");
      expect(dry.status).to.equal(201);
      expect(env.server.store.get("installplans", "devops")).to.equal(undefined);
      expect((await apply(doc)).status).to.equal(201);
      const updated = (await (await apply(doc.replace("enabled: true", "enabled: false"))).json()) as { spec: { enabled: boolean; config: string } };
      expect(updated.spec).to.include({ enabled: false, config: "a: 1\n" });
    });

    it("holds an object with finalizers until they are removed, then emits one DELETED", async () => {
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: { ...plan("devops"), metadata: { name: "devops", finalizers: ["kubesphere.io/installplan-protection"] } } });
      const w = await collectWatch(env.kc, IP_PATH, { fieldSelector: "metadata.name=devops" });
      await w.waitFor((e) => e.type === "ADDED");
      clock.advance(2000);
      const deleting = await env.custom.deleteClusterCustomObject({ ...KS, plural: "installplans", name: "devops", propagationPolicy: "Background" });
      expect(deleting.metadata.deletionTimestamp).to.equal("2026-03-01T10:00:02Z");
      const still = await env.custom.getClusterCustomObject({ ...KS, plural: "installplans", name: "devops" });
      expect(still.metadata.finalizers).to.deep.equal(["kubesphere.io/installplan-protection"]);
      const st = await statusOf(env.custom.patchClusterCustomObject({ ...KS, plural: "installplans", name: "devops", body: [{ op: "add", path: "/metadata/finalizers/-", value: "other" }] }));
      expect(st.code).to.equal(422);
      expect(st.message).to.include("no new finalizers can be added if the object is being deleted");
      await env.custom.patchClusterCustomObject({ ...KS, plural: "installplans", name: "devops", body: [{ op: "remove", path: "/metadata/finalizers" }] });
      await w.waitFor((e) => e.type === "DELETED");
      expect(w.events.map((e) => e.type)).to.deep.equal(["ADDED", "MODIFIED", "DELETED"]);
      expect((await statusOf(env.custom.getClusterCustomObject({ ...KS, plural: "installplans", name: "devops" }))).code).to.equal(404);
      w.stop();
    });

    it("requires the namespace of namespaced objects and garbage-collects dependents of deleted owners", async () => {
      const st = await statusOf(env.core.createNamespacedConfigMap({ namespace: "nope", body: { metadata: { name: "c" } } }));
      expect(st).to.include({ code: 404, message: 'namespaces "nope" not found' });
      await env.core.createNamespace({ body: { metadata: { name: "extension-devops" } } });
      const owner = await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") });
      await env.batch.createNamespacedJob({ namespace: "extension-devops", body: {
        metadata: { name: "helm-install-devops-abcdef", ownerReferences: [{ apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", name: "devops", uid: owner.metadata.uid }] },
        spec: { template: { spec: { containers: [{ name: "helm", image: "kubesphere/kubectl:v1.27.16" }], restartPolicy: "Never" } } },
      } });
      await env.custom.deleteClusterCustomObject({ ...KS, plural: "installplans", name: "devops" });
      expect((await env.batch.listNamespacedJob({ namespace: "extension-devops" })).items).to.have.length(0);
    });
  });

  describe("watch", () => {
    it("resumes from a resourceVersion, replaying exactly the later changes", async () => {
      const c = await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") });
      await env.custom.patchClusterCustomObject({ ...KS, plural: "installplans", name: "devops", body: [{ op: "replace", path: "/spec/enabled", value: false }] });
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("gatekeeper") });
      const w = await collectWatch(env.kc, IP_PATH, { resourceVersion: c.metadata.resourceVersion });
      await w.waitFor((e) => e.object.metadata.name === "gatekeeper");
      expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).to.deep.equal(["MODIFIED devops", "ADDED gatekeeper"]);
      w.stop();
    });

    it("sends synthetic ADDED events for current objects when no resourceVersion is given", async () => {
      const w = await collectWatch(env.kc, "/apis/cluster.kubesphere.io/v1alpha1/clusters");
      await w.waitFor((e) => e.object.metadata.name === "member1");
      expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).to.deep.equal(["ADDED host", "ADDED member1"]);
      w.stop();
    });

    it("answers a watch from a compacted resourceVersion with an ERROR event carrying 410 Expired", async () => {
      const c = await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") });
      env.server.store.compact();
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("gatekeeper") });
      const w = await collectWatch(env.kc, IP_PATH, { resourceVersion: Number(c.metadata.resourceVersion) - 1 });
      const err = await w.waitFor((e) => e.type === "ERROR");
      expect(err.object).to.include({ kind: "Status", code: 410, reason: "Expired" });
      expect(await w.done).to.equal(null);
    });

    it("turns a label change that leaves the selector into DELETED and one that enters it into ADDED", async () => {
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") });
      const w = await collectWatch(env.kc, IP_PATH, { labelSelector: "team=a", resourceVersion: env.server.store.resourceVersion });
      const patchLabels = (labels: Record<string, string> | null): Promise<unknown> => env.custom.patchClusterCustomObject(
        { ...KS, plural: "installplans", name: "devops", body: { metadata: { labels } } },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch));
      await patchLabels({ team: "a" });
      await patchLabels({ team: "b" });
      await w.waitFor((e) => e.type === "DELETED");
      expect(w.events.map((e) => e.type)).to.deep.equal(["ADDED", "DELETED"]);
      w.stop();
    });

    it("feeds a client-node informer (list, then watch from the list's resourceVersion)", async () => {
      const path = "/apis/kubesphere.io/v1alpha1/installplans";
      const informer = k8s.makeInformer(env.kc, path, () => env.custom.listClusterCustomObject({ ...KS, plural: "installplans" }) as never);
      const seen: string[] = [];
      let resolveSeen!: () => void;
      const done = new Promise<void>((r) => { resolveSeen = r; });
      informer.on("add", (o) => { seen.push(`add ${o.metadata?.name}`); });
      informer.on("update", (o) => { seen.push(`update ${o.metadata?.name}`); resolveSeen(); });
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("devops") });
      await informer.start();
      await env.custom.createClusterCustomObject({ ...KS, plural: "installplans", body: plan("gatekeeper") });
      await env.custom.patchClusterCustomObject({ ...KS, plural: "installplans", name: "gatekeeper", body: [{ op: "replace", path: "/spec/enabled", value: false }] });
      await done;
      await informer.stop();
      expect(seen).to.deep.equal(["add devops", "add gatekeeper", "update gatekeeper"]);
      expect(env.server.countRequests({ verb: "list", resource: "installplans" })).to.equal(1);
    });

    it("sends BOOKMARK events when asked", async () => {
      const w = await collectWatch(env.kc, IP_PATH, { allowWatchBookmarks: true, resourceVersion: env.server.store.resourceVersion });
      const b = await w.waitFor((e) => e.type === "BOOKMARK");
      expect(b.object.metadata.resourceVersion).to.equal(env.server.store.resourceVersion);
      w.stop();
    });
  });

  describe("fault injection", () => {
    it("fails the next N matching requests with the given status, then serves normally", async () => {
      const handle = env.server.injectFault({ match: { verb: "list", resource: "extensions" }, times: 2, action: { kind: "status", code: 503 } });
      const st = await statusOf(env.custom.listClusterCustomObject({ ...KS, plural: "extensions" }));
      expect(st).to.include({ code: 503, reason: "ServiceUnavailable" });
      await env.custom.listClusterCustomObject({ ...KS, plural: "extensionversions" });
      expect((await statusOf(env.custom.listClusterCustomObject({ ...KS, plural: "extensions" }))).code).to.equal(503);
      const ok = await env.custom.listClusterCustomObject({ ...KS, plural: "extensions" });
      expect(ok.items.length).to.be.greaterThan(0);
      expect(handle.applied).to.equal(2);
      expect(env.server.requests.filter((r) => r.fault === "status").length).to.equal(2);
    });

    it("sends Retry-After with 429 and a real Conflict message for 409", async () => {
      env.server.injectFault({ match: { verb: "get" }, action: { kind: "status", code: 429, retryAfterSeconds: 3 } });
      const r = await fetch(`${env.server.url}/apis/kubesphere.io/v1alpha1/extensions/devops`, { headers: { Authorization: `Bearer ${env.server.token}` } });
      expect(r.status).to.equal(429);
      expect(r.headers.get("retry-after")).to.equal("3");
      env.server.injectFault({ match: (req) => req.verb === "patch" && req.name === "devops", action: { kind: "status", code: 409 } });
      const st = await statusOf(env.custom.patchClusterCustomObject({ ...KS, plural: "extensions", name: "devops", body: [{ op: "add", path: "/metadata/labels/x", value: "y" }] }));
      expect(st.message).to.equal('Operation cannot be fulfilled on extensions.kubesphere.io "devops": the object has been modified; please apply your changes to the latest version and try again');
    });

    it("delays matching requests and then serves them", async () => {
      env.server.injectFault({ match: { verb: "get", resource: "extensions" }, action: { kind: "delay", ms: 30 } });
      const started = Date.now();
      const ext = await env.custom.getClusterCustomObject({ ...KS, plural: "extensions", name: "devops" });
      expect(ext.metadata.name).to.equal("devops");
      expect(Date.now() - started).to.be.at.least(25);
      expect(env.server.requests.find((r) => r.verb === "get")?.fault).to.equal("delay");
    });

    it("can reset the connection of a watch instead of ending it", async () => {
      env.server.injectFault({ match: { verb: "watch", resource: "clusters" }, action: { kind: "dropWatch", afterEvents: 2, mode: "reset" } });
      const w = await collectWatch(env.kc, "/apis/cluster.kubesphere.io/v1alpha1/clusters");
      const err = await w.done;
      expect(w.events.map((e) => e.object.metadata.name)).to.deep.equal(["host", "member1"]);
      expect(err, "a reset surfaces as an error, not a clean end").to.be.instanceOf(Error);
    });

    it("drops a watch stream mid-way after N events", async () => {
      env.server.injectFault({ match: { verb: "watch", resource: "clusters" }, action: { kind: "dropWatch", afterEvents: 1 } });
      const w = await collectWatch(env.kc, "/apis/cluster.kubesphere.io/v1alpha1/clusters");
      expect(await w.done).to.equal(null);
      expect(w.events.map((e) => e.object.metadata.name)).to.deep.equal(["host"]);
      expect(env.server.openWatchCount).to.equal(0);
    });
  });

  describe("pod logs", () => {
    beforeEach(async () => {
      await env.core.createNamespace({ body: { metadata: { name: "extension-devops" } } });
      await env.core.createNamespacedPod({ namespace: "extension-devops", body: {
        metadata: { name: "helm-install-devops-abcdef-x2b4c", labels: { "job-name": "helm-install-devops-abcdef" }, annotations: { [`${POD_LOG_ANNOTATION_PREFIX}helm`]: "one\ntwo\nthree\n" } },
        spec: { containers: [{ name: "helm", image: "kubesphere/kubectl:v1.27.16" }] },
      } });
    });

    it("is 400 while the pod is pending, then serves the text with tailLines", async () => {
      const st = await statusOf(env.core.readNamespacedPodLog({ namespace: "extension-devops", name: "helm-install-devops-abcdef-x2b4c" }));
      expect(st.message).to.equal('container "helm" in pod "helm-install-devops-abcdef-x2b4c" is waiting to start: ContainerCreating');
      const pod = env.server.store.mustGet("pods", "helm-install-devops-abcdef-x2b4c", "extension-devops");
      env.server.store.update("pods", { ...pod, status: { phase: "Failed" } }, { subresource: "status" });
      const pods = await env.core.listNamespacedPod({ namespace: "extension-devops", labelSelector: "job-name=helm-install-devops-abcdef" });
      expect(pods.items).to.have.length(1);
      expect(await env.core.readNamespacedPodLog({ namespace: "extension-devops", name: "helm-install-devops-abcdef-x2b4c", tailLines: 2 })).to.equal("two\nthree\n");
      expect(await env.core.readNamespacedPodLog({ namespace: "extension-devops", name: "helm-install-devops-abcdef-x2b4c", container: "helm" })).to.equal("one\ntwo\nthree\n");
      // client-node's Log helper streams the same text.
      const chunks: Buffer[] = [];
      const sink = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb(); } });
      const req = await new k8s.Log(env.kc).log("extension-devops", "helm-install-devops-abcdef-x2b4c", "helm", sink, { tailLines: 1 });
      await new Promise((resolve) => sink.on("finish", resolve));
      void req;
      expect(Buffer.concat(chunks).toString("utf8")).to.equal("three\n");
      const bad = await statusOf(env.core.readNamespacedPodLog({ namespace: "extension-devops", name: "helm-install-devops-abcdef-x2b4c", container: "nope" }));
      expect(bad.message).to.equal("container nope is not valid for pod helm-install-devops-abcdef-x2b4c");
    });
  });
});
