/**
 * LiveChartSource against a loopback HTTP server playing ks-apiserver / kube-apiserver: the
 * ks-apiserver files endpoint first, then the chartDataRef ConfigMap or the museum Service through
 * the service proxy; unreachable and silent endpoints end in "not checked" with a note that holds
 * no credential.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import * as k8s from "@kubernetes/client-node";
import { readArchive } from "../../components/charts/archive";
import { checkChartConfig } from "../../components/charts/checkChartConfig";
import { LiveChartSource } from "../../components/charts/liveSource";

const ARCHIVE = fs.readFileSync(path.resolve(__dirname, "../fixtures/charts/vector-1.0.4.tgz"));
const TOKEN = "s3cr3t-token-never-in-messages";

function kubeConfig(server: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server, skipTLSVerify: true }],
    users: [{ name: "u", token: TOKEN }],
    contexts: [{ name: "test", cluster: "c", user: "u" }],
    currentContext: "test",
  });
  return kc;
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

async function serve(routes: Route[]): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    expect(req.headers.authorization).to.equal(`Bearer ${TOKEN}`);
    if (!routes.some((r) => r(req, res))) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", message: "the server could not find the requested resource" }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const json = (res: http.ServerResponse, body: unknown) => { res.writeHead(200, { "content-type": "application/json" }); res.end(JSON.stringify(body)); };
const evRoute = (spec: Record<string, unknown>): Route => (req, res) => {
  if (req.url !== "/apis/kubesphere.io/v1alpha1/extensionversions/vector-1.0.4") return false;
  json(res, { apiVersion: "kubesphere.io/v1alpha1", kind: "ExtensionVersion", metadata: { name: "vector-1.0.4" }, spec });
  return true;
};

describe("LiveChartSource (loopback server)", function () {
  this.timeout(20_000);
  const config = "agent:\n  resourcs: {}\n";

  it("reads ks-apiserver's files endpoint ([{Name, Data}] as Helm's BufferedFile)", async () => {
    const files = await readArchive(ARCHIVE, "vector-1.0.4.tgz");
    const s = await serve([(req, res) => {
      if (req.url !== "/kapis/package.kubesphere.io/v1alpha1/extensionversions/vector-1.0.4/files") return false;
      // ks-apiserver returns paths relative to the chart folder.
      json(res, [...files].map(([n, d]) => ({ Name: n.replace(/^vector\//, ""), Data: d.toString("base64") })));
      return true;
    }]);
    try {
      const r = await checkChartConfig({ source: new LiveChartSource({ kubeConfig: kubeConfig(s.url) }), extension: "vector", version: "1.0.4", configYaml: config });
      expect(r.checked).to.equal(true);
      expect(r.sourceDescription).to.equal("ks-apiserver /kapis/package.kubesphere.io/v1alpha1/extensionversions/vector-1.0.4/files");
      expect(r.findings.map((f) => [f.path, f.line])).to.deep.equal([["agent.resourcs", 2]]);
    } finally { await s.close(); }
  });

  it("falls back to the chartDataRef ConfigMap (binaryData chart.tgz)", async () => {
    const s = await serve([
      evRoute({ version: "1.0.4", chartDataRef: { namespace: "kubesphere-system", name: "vector-1.0.4-chart" } }),
      (req, res) => {
        if (req.url !== "/api/v1/namespaces/kubesphere-system/configmaps/vector-1.0.4-chart") return false;
        json(res, { kind: "ConfigMap", binaryData: { "chart.tgz": ARCHIVE.toString("base64") } });
        return true;
      },
    ]);
    try {
      const r = await checkChartConfig({ source: new LiveChartSource({ kubeConfig: kubeConfig(s.url) }), extension: "vector", version: "1.0.4", configYaml: config });
      expect(r.sourceDescription).to.equal("ConfigMap kubesphere-system/vector-1.0.4-chart key chart.tgz");
      expect(r.findings.map((f) => f.path)).to.deep.equal(["agent.resourcs"]);
      expect(s.requests[0]).to.equal("/kapis/package.kubesphere.io/v1alpha1/extensionversions/vector-1.0.4/files");
    } finally { await s.close(); }
  });

  it("falls back to the in-cluster museum through the service proxy", async () => {
    const s = await serve([
      evRoute({ version: "1.0.4", chartURL: "https://extensions-museum.kubesphere-system.svc/charts/vector-1.0.4.tgz" }),
      (req, res) => {
        if (req.url !== "/api/v1/namespaces/kubesphere-system/services/https:extensions-museum:443/proxy/charts/vector-1.0.4.tgz") return false;
        res.writeHead(200, { "content-type": "application/gzip" });
        res.end(ARCHIVE);
        return true;
      },
    ]);
    try {
      const r = await checkChartConfig({ source: new LiveChartSource({ kubeConfig: kubeConfig(s.url) }), extension: "vector", version: "1.0.4", configYaml: config });
      expect(r.checked).to.equal(true);
      expect(r.sourceDescription).to.include("museum Service kubesphere-system/extensions-museum through the API server's service proxy");
    } finally { await s.close(); }
  });

  it("an external chartURL without ks-apiserver: not checked, with the reasons", async () => {
    const s = await serve([evRoute({ version: "1.0.4", chartURL: "https://charts.example.com/vector-1.0.4.tgz" })]);
    try {
      const r = await checkChartConfig({ source: new LiveChartSource({ kubeConfig: kubeConfig(s.url) }), extension: "vector", version: "1.0.4", configYaml: config });
      expect(r.checked).to.equal(false);
      expect(r.note).to.include("HTTP 404").and.include("is outside the cluster; only ks-apiserver reads it");
    } finally { await s.close(); }
  });

  it("a hostile file name from the files endpoint is refused", async () => {
    const s = await serve([(req, res) => {
      if (!req.url?.endsWith("/files")) return false;
      json(res, [{ Name: "Chart.yaml", Data: Buffer.from("name: vector\nversion: 1.0.4\n").toString("base64") }, { Name: "../../x", Data: "" }]);
      return true;
    }]);
    try {
      const r = await checkChartConfig({ source: new LiveChartSource({ kubeConfig: kubeConfig(s.url) }), extension: "vector", version: "1.0.4", configYaml: config });
      expect(r.checked).to.equal(false);
      expect(r.note).to.include("file \"../../x\" escapes the archive");
    } finally { await s.close(); }
  });

  it("an unreachable endpoint and a silent one degrade to not checked, within the deadline, without credentials", async () => {
    const closed = await serve([]);
    const url = closed.url;
    await closed.close();
    const r1 = await checkChartConfig({ source: new LiveChartSource({ kubeConfig: kubeConfig(url) }), extension: "vector", version: "1.0.4", configYaml: config });
    expect(r1.checked).to.equal(false);
    expect(r1.note).to.include("ECONNREFUSED");

    const silent = http.createServer(() => { /* never answers */ });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const started = Date.now();
      const r2 = await checkChartConfig({
        source: new LiveChartSource({ kubeConfig: kubeConfig(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`), timeoutMs: 300 }),
        extension: "vector", version: "1.0.4", configYaml: config,
      });
      expect(Date.now() - started).to.be.lessThan(5_000);
      expect(r2.checked).to.equal(false);
      expect(r2.note).to.include("no answer within 300 ms");
      for (const note of [r1.note!, r2.note!]) expect(note).to.not.include(TOKEN);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
