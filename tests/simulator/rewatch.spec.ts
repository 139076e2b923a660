/**
 * The simulator's client keeps watching when every watch stream ends at once (client-node ends a
 * watch after 30 s without events): the process stays alive and re-opens the watches. Seen through
 * the real engine before the fix: all four watches ended at +30 s and the simulator exited with code 0.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "..", "..");

describe("simulator client re-watch", function () {
  this.timeout(60_000);

  it("a process whose only work is watching stays alive and re-opens watches that the server ends", async () => {
    let watches = 0;
    const server = http.createServer((req, res) => {
      res.setHeader("Content-Type", "application/json");
      if ((req.url ?? "").includes("watch=")) {
        watches++;
        res.end(); // the stream ends at once, with no event (as client-node's idle timeout does)
        return;
      }
      res.end(JSON.stringify({ kind: "List", metadata: { resourceVersion: "1" }, items: [] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-rewatch-"));
    const kubeconfig = path.join(dir, "kubeconfig");
    fs.writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\n` +
      "users: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n");
    const script = path.join(dir, "watch.ts");
    fs.writeFileSync(script, `
      import * as k8s from ${JSON.stringify(path.join(REPO, "node_modules", "@kubernetes", "client-node"))};
      import { HttpKubeClient } from ${JSON.stringify(path.join(REPO, "simulator", "kubeClient"))};
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(${JSON.stringify(kubeconfig)});
      void new HttpKubeClient(kc, k8s).watch("InstallPlan", () => undefined);
    `);
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", script], { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => { stderr += d.toString(); });
    let exited: number | null | undefined;
    child.on("exit", (code) => { exited = code; });
    try {
      await new Promise((r) => setTimeout(r, 4000));
      expect(exited, `the watching process exited: ${stderr}`).to.equal(undefined);
      expect(watches, "watches re-opened").to.be.greaterThan(3);
    } finally {
      child.kill("SIGKILL");
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
