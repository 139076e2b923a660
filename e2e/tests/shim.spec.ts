/**
 * Regression (issue 11, item 6): the dynamic-provider shim must fail loudly and exit when it cannot
 * resolve @pulumi/pulumi — it once ran `node ""`, which reads a script from the stdin the engine keeps
 * open, and `pulumi preview` of a YAML program hung past 300 s. Needs only Node, no built binaries.
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO } from "./harness";

const SHIM = path.join(REPO, "e2e", "shims", "pulumi-resource-pulumi-nodejs");

/** Runs the shim in `cwd` with stdin left open (as the engine does); kills it after `limitMs`. */
function runShim(cwd: string, limitMs: number): Promise<{ code: number | null; stderr: string; ms: number; killed: boolean }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const env = { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}` };
    const child = spawn(SHIM, [], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let killed = false;
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => { killed = true; child.kill("SIGKILL"); }, limitMs);
    child.on("close", (code) => { clearTimeout(timer); resolve({ code, stderr, ms: Date.now() - started, killed }); });
  });
}

describe("e2e shim pulumi-resource-pulumi-nodejs", function () {
  this.timeout(30_000);

  it("exits non-zero at once, naming the directory, when @pulumi/pulumi is not resolvable (stdin open)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shim-no-node-modules-"));
    try {
      const r = await runShim(dir, 15_000);
      expect(r.killed, `the shim hung; stderr:\n${r.stderr}`).to.equal(false);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.include(`working directory ${dir}`);
      expect(r.stderr).to.match(/Cannot find module '@pulumi\/pulumi\/cmd\/dynamic-provider\/index\.js'/);
      expect(r.ms).to.be.below(10_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts @pulumi/pulumi's dynamic provider when it is resolvable (it then asks for the engine address)", async () => {
    const r = await runShim(REPO, 15_000);
    expect(r.killed, r.stderr).to.equal(false);
    // The real dynamic-provider host ran: without the engine address it stops with its own usage error.
    expect(r.stderr).to.match(/Missing <engine> address/);
    expect(r.stderr).to.not.include("cannot start the Node.js dynamic provider");
  });
});
