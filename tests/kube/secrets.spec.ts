/**
 * The kubeconfig is a secret: a malformed one must never be quoted (the YAML parser's own message
 * quotes the lines around the error, token included). A distinctive token is grepped in every
 * message a user can see: the preview error (live catalog), the readiness errors (create and the
 * delete reason), and the CLI's stderr.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadKubeConfig, KubeconfigError } from "../../components/kube/kubeconfig";
import { LiveCatalog } from "../../components/catalog/liveCatalog";
import { awaitDeleted, awaitReady } from "../../components/readiness/providerRuntime";
import { expectedFor } from "../readiness/support";
import { runCli } from "../cli/runCli";

const TOKEN = "tok-SUPERSECRET-7f3a9c";

/** Kubeconfigs that fail in different ways, each carrying the token. */
const BROKEN: Record<string, string> = {
  "bad indentation": `apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: https://10.0.0.1:6443\nusers:\n- name: u\n  user:\n    token: ${TOKEN}\n   oops: : x\n`,
  "unclosed quote": `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: "${TOKEN}\n`,
  "tab indentation": `apiVersion: v1\nusers:\n- name: u\n  user:\n\ttoken: ${TOKEN}\n`,
  "missing server": `apiVersion: v1\nclusters:\n- name: c\n  cluster: {}\nusers:\n- name: u\n  user:\n    token: ${TOKEN}\ncontexts:\n- name: x\n  context: { cluster: c, user: u }\ncurrent-context: x\n`,
  "a list, not a mapping": `- ${TOKEN}\n- ${TOKEN}\n`,
};

function noSecret(message: string | undefined, where: string): void {
  expect(message, `${where} produced no message`).to.be.a("string");
  expect(message, `${where} quotes the kubeconfig`).to.not.contain(TOKEN);
  expect(message, `${where} quotes the kubeconfig`).to.not.contain("SUPERSECRET");
}

describe("kubeconfig content never appears in a message", () => {
  for (const [what, text] of Object.entries(BROKEN)) {
    it(`${what}: loadKubeConfig, the live catalog, readiness create/delete and the CLI name the source, not the text`, async () => {
      let err: unknown;
      try { loadKubeConfig({ kubeconfig: text }); } catch (e) { err = e; }
      // A kubeconfig that loads but has no usable cluster fails with noCluster; every other one is a parse error.
      expect(err, what).to.be.instanceOf(KubeconfigError);
      noSecret((err as Error).message, "loadKubeConfig");
      expect((err as Error).message).to.contain("(kubeconfig argument)");
      expect(JSON.stringify(err), "serialized error").to.not.contain(TOKEN);

      let preview: Error | undefined;
      try { await new LiveCatalog({ kubeconfig: text }).extensions(); } catch (e) { preview = e as Error; }
      noSecret(preview?.message, "live catalog");

      const ready = await awaitReady({ planName: "devops", expected: expectedFor("devops", "1.1.2", ""), kubeconfig: text, timeoutSeconds: 1 })
        .then(() => undefined, (e: Error) => e);
      noSecret(ready?.message, "awaitReady");
      noSecret(ready?.stack, "awaitReady stack");

      const reason = await awaitDeleted({ planName: "devops", expected: expectedFor("devops", "1.1.2", ""), kubeconfig: text, timeoutSeconds: 1, deleteTimeoutSeconds: 1 });
      noSecret(reason, "awaitDeleted reason");
      expect(reason).to.match(/^no usable kubeconfig: /);

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ks-secret-"));
      try {
        const file = path.join(dir, "kubeconfig");
        fs.writeFileSync(file, text);
        const r = await runCli(["catalog", "--kubeconfig", file]);
        expect(r.code, r.stderr).to.equal(3);
        noSecret(r.stderr + r.stdout, "CLI");
        expect(r.stderr).to.contain(`(--kubeconfig ${file})`);
        const viaEnv = await runCli(["catalog"], { env: { KUBECONFIG: file } });
        noSecret(viaEnv.stderr + viaEnv.stdout, "CLI with $KUBECONFIG");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("names the line and column of a YAML error", () => {
    expect(() => loadKubeConfig({ kubeconfig: BROKEN["bad indentation"] })).to.throw(KubeconfigError,
      /^cannot use the kubeconfig \(kubeconfig argument\): it is not valid YAML \(line 10, column \d+: bad indentation of a mapping entry\)$/);
  });

  it("names $KUBECONFIG with its path for the default loading rules", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ks-secret-"));
    const saved = process.env.KUBECONFIG;
    try {
      const file = path.join(dir, "config");
      fs.writeFileSync(file, BROKEN["unclosed quote"]);
      process.env.KUBECONFIG = file;
      expect(() => loadKubeConfig({}, { KUBECONFIG: file })).to.throw(KubeconfigError, `cannot use the kubeconfig ($KUBECONFIG=${file}): it is not valid YAML (line`);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says when the value looks like a path instead of the content", () => {
    expect(() => loadKubeConfig({ kubeconfig: "/home/me/.kube/config" })).to.throw(KubeconfigError, "looks like a file path");
  });
});
