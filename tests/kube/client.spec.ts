/** The Kubernetes layer's request helpers and error vocabulary, against small local servers. */
import { expect } from "chai";
import * as http from "http";
import { KubeClient } from "../../components/kube/client";
import { KubeApiError, toKubeApiError } from "../../components/kube/errors";
import { loadKubeConfig } from "../../components/kube/kubeconfig";
import { kubeconfigFor } from "../../simulator/fixtures";

async function serve(handler: http.RequestListener): Promise<{ client: KubeClient; url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const client = new KubeClient(loadKubeConfig({ kubeconfig: kubeconfigFor({ url, token: "t" }) }), { requestTimeoutMs: 1_000 });
  return { client, url, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe("KubeClient raw reads and KubeApiError", function () {
  this.timeout(10_000);

  it("caps the body of a raw read", async () => {
    const s = await serve((_q, res) => { res.writeHead(200, { "Content-Type": "text/plain" }); res.end("x".repeat(100_000)); });
    try {
      const r = await s.client.getRaw("/big", { maxBytes: 1_000 });
      expect(r.text.length).to.equal(1_000);
      const err = await s.client.getJson("/big", { maxBytes: 1_000 }).then(() => undefined, (e: KubeApiError) => e);
      expect(err?.message).to.contain("cut at the size cap");
    } finally { await s.close(); }
  });

  it("an answer cut short by the server is 'unreachable', not a parse error", async () => {
    const s = await serve((_q, res) => { res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "1000" }); res.write("{\"items\":"); setTimeout(() => res.destroy(), 20); });
    try {
      const err = await s.client.getJson("/apis/x").then(() => undefined, (e: KubeApiError) => e);
      expect(err).to.be.instanceOf(KubeApiError);
      expect(err?.kind).to.equal("unreachable");
      // Depending on timing Node reports the reset itself, or the body simply ends short.
      expect(err?.message).to.match(new RegExp(`^GET /apis/x on ${s.url}: cannot reach the API server: (ECONNRESET|the connection closed before the answer was complete)`));
    } finally { await s.close(); }
  });

  it("maps Status answers to kinds, naming the server", async () => {
    const codes: Record<string, [number, string]> = { "/401": [401, "Unauthorized"], "/403": [403, "Forbidden"], "/404": [404, "NotFound"], "/409": [409, "Conflict"], "/500": [500, "InternalError"] };
    const s = await serve((q, res) => {
      const [code, reason] = codes[q.url!];
      res.writeHead(code, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", status: "Failure", code, reason, message: `msg ${code}` }));
    });
    try {
      const kinds: string[] = [];
      for (const p of Object.keys(codes)) {
        const err = await s.client.getJson(p).then(() => undefined, (e: KubeApiError) => e);
        kinds.push(`${err?.kind}/${err?.transient}`);
        expect(err?.message).to.contain(` on ${s.url}: `).and.contain(`msg ${codes[p][0]}`);
      }
      expect(kinds).to.deep.equal(["unauthorized/false", "forbidden/false", "notFound/false", "conflict/true", "other/true"]);
    } finally { await s.close(); }
  });

  it("a refused connection is 'unreachable' and transient", () => {
    const e = toKubeApiError("LIST x", "https://h:6443", Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }));
    expect(e.kind).to.equal("unreachable");
    expect(e.transient).to.equal(true);
    expect(e.message).to.equal("LIST x on https://h:6443: cannot reach the API server: ECONNREFUSED");
  });
});
