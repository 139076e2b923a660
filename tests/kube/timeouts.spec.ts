/**
 * Every API request has a deadline (connect to last byte) and a watch has an idle bound: an API
 * server that accepts the connection and never answers gives a clear error naming it, within a
 * bounded time, for the live catalog (preview), the CLI (which exits 3) and the readiness wait.
 * Bounds: docs/readiness.md "Timeouts".
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LiveCatalog } from "../../components/catalog/liveCatalog";
import { KubeClient } from "../../components/kube/client";
import { KubeApiError } from "../../components/kube/errors";
import { subscribeInformer } from "../../components/kube/informer";
import { loadKubeConfig } from "../../components/kube/kubeconfig";
import { InstallPlanTimeoutError } from "../../components/readiness/errors";
import { waitForInstallPlan } from "../../components/readiness/waiter";
import { runCli } from "../cli/runCli";
import { expectedFor, until } from "../readiness/support";
import { startFakeCluster, startSilentServer, type SilentServer } from "../support/fakeApiServer";

describe("an API server that accepts and never answers", function () {
  this.timeout(20_000);
  let silent: SilentServer;
  beforeEach(async () => { silent = await startSilentServer(); });
  afterEach(async () => { await silent.close(); });

  it("the live catalog (preview) fails within its request deadline, naming the server", async () => {
    const started = Date.now();
    const err = await new LiveCatalog({ kubeconfig: silent.kubeconfig, requestTimeoutMs: 300 }).extensions().then(() => undefined, (e: Error) => e);
    expect(Date.now() - started).to.be.within(250, 2_000);
    expect(err?.message).to.equal(`cannot list extensions.kubesphere.io on the cluster at ${silent.url} (context simulator): ` +
      `LIST extensions.kubesphere.io on ${silent.url}: the API server did not answer in time: no answer within 300 ms`);
    expect(silent.accepted).to.be.at.least(1);
  });

  it("a typed client call carries the same deadline", async () => {
    const client = new KubeClient(loadKubeConfig({ kubeconfig: silent.kubeconfig }), { requestTimeoutMs: 300 });
    const started = Date.now();
    const err = await client.call("GET jobs/x -n y", (o) => client.batch.readNamespacedJob({ namespace: "y", name: "x" }, o)).then(() => undefined, (e) => e as KubeApiError);
    expect(Date.now() - started).to.be.below(2_000);
    expect(err).to.be.instanceOf(KubeApiError);
    expect(err?.kind).to.equal("timeout");
    expect(err?.message).to.contain(`GET jobs/x -n y on ${silent.url}: the API server did not answer in time`);
  });

  it("the CLI exits 3 with the server named, within --request-timeout", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ks-silent-"));
    try {
      const file = path.join(dir, "kubeconfig");
      fs.writeFileSync(file, silent.kubeconfig);
      const started = Date.now();
      const r = await runCli(["versions", "devops", "--kubeconfig", file, "--request-timeout", "0.3"]);
      expect(Date.now() - started).to.be.below(3_000);
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr).to.contain(silent.url).and.contain("did not answer in time");
      const bad = await runCli(["versions", "devops", "--kubeconfig", file, "--request-timeout", "soon"]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain("--request-timeout \"soon\": give a number of seconds");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a readiness wait ends with its timeout verdict naming the unanswering server (and the process stays alive until then)", async () => {
    const kc = loadKubeConfig({ kubeconfig: silent.kubeconfig });
    const started = Date.now();
    const err = await waitForInstallPlan({ kubeConfig: kc, name: "devops", expected: expectedFor("devops", "1.1.2", ""), timeoutMs: 1_500, requestTimeoutMs: 200, pollIntervalMs: 400 })
      .then(() => undefined, (e: Error) => e);
    expect(Date.now() - started).to.be.within(1_400, 4_000);
    expect(err).to.be.instanceOf(InstallPlanTimeoutError);
    expect(err?.message).to.contain("never observed").and.contain(`the Kubernetes API was failing:`).and.contain(`on ${silent.url}: the API server did not answer in time`);
  });
});

describe("watch idle bound", function () {
  this.timeout(20_000);

  it("a watch stream that stays silent past the idle bound is closed and re-established from its resourceVersion", async () => {
    const env = await startFakeCluster({ bookmarkIntervalMs: 60_000 });
    try {
      const client = new KubeClient(env.kc, { watchIdleMs: 200 });
      const sub = subscribeInformer(client, "/apis/kubesphere.io/v1alpha1/installplans", () => undefined);
      try {
        await until(() => env.server.countRequests({ verb: "watch", resource: "installplans" }) >= 3, "two re-watches after idle closes", 5_000);
        expect(env.server.countRequests({ verb: "list", resource: "installplans" }), "resumed, not re-listed").to.equal(1);
      } finally {
        sub.release();
      }
    } finally {
      await env.close();
    }
  });
});
