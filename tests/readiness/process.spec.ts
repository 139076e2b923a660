/**
 * The real topology: the API server and the InstallPlan controller run in a separate process
 * (`simulator/main.ts --serve`, as the e2e harness uses it), and the readiness provider — loaded
 * from its serialized `__provider` text the way Pulumi's dynamic-provider host loads it — talks to
 * it only through the kubeconfig. Nothing is shared in memory or on the event loop.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@kubernetes/client-node";
import * as pulumi from "@pulumi/pulumi";
import { InstallPlanReadiness } from "../../components/readiness/dynamicReadiness";
import { expectedFor, planObject } from "./support";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string, filename?: string) => { handler: () => pulumi.dynamic.ResourceProvider };

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const CFG = "replicas: 1\n";

/** Serializes a readiness resource under mocks and returns its provider as the provider host would load it. */
async function serializedProvider(): Promise<pulumi.dynamic.ResourceProvider> {
  let text: string | undefined;
  await pulumi.runtime.setMocks({
    newResource: (a) => {
      if (a.type === "pulumi-nodejs:dynamic/kubesphere:InstallPlanReadiness") text = a.inputs.__provider as string;
      return { id: `${a.name}-id`, state: a.inputs };
    },
    call: (a) => { throw new Error(`unexpected invoke ${a.token}`); },
  }, "proj", "stack", false);
  const r = new InstallPlanReadiness("x-readiness", { planName: "x", expected: expectedFor("x", "1.0.0", ""), timeoutSeconds: 1 });
  await new Promise<void>((resolve) => r.urn.apply(() => { resolve(); return undefined; }));
  if (!text) throw new Error("the readiness resource was not registered");
  // Loaded beside the readiness module, so its runtime resolves to the sources (no build needed).
  return requireFromString(text, path.join(REPO_ROOT, "components", "readiness", "__provider.js")).handler();
}

describe("readiness against the simulator running as a separate process", function () {
  this.timeout(60_000);
  let child: ChildProcess;
  let dir: string;
  let kubeconfig: string;
  let custom: k8s.CustomObjectsApi;
  let provider: pulumi.dynamic.ResourceProvider;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ks-readiness-proc-"));
    const faults = path.join(dir, "faults.yaml");
    fs.writeFileSync(faults, "faults:\n  - { effect: fail, extension: gatekeeper, error: 'admission webhook \"validation.gatekeeper.sh\" denied the request' }\n");
    const kcFile = path.join(dir, "kubeconfig.yaml");
    child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "simulator/main.ts", "--serve", "--write-kubeconfig", kcFile, "--faults", faults],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`simulator did not start:\n${out}`)), 45_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes("controller simulator running")) { clearTimeout(timer); resolve(); }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`simulator exited with ${code}:\n${out}`)); });
    });
    kubeconfig = fs.readFileSync(kcFile, "utf8");
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    provider = await serializedProvider();
  });

  after(() => {
    child?.removeAllListeners("exit");
    child?.kill("SIGTERM");
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("create resolves when the out-of-process controller has installed the plan", async () => {
    await custom.createClusterCustomObject({ group: "kubesphere.io", version: "v1alpha1", plural: "installplans", body: planObject("devops", "1.1.2", CFG) });
    const { id, outs } = await provider.create!({ planName: "devops", expected: expectedFor("devops", "1.1.2", CFG), kubeconfig, timeoutSeconds: 30 });
    expect(id).to.equal("devops");
    expect(outs).to.deep.include({ state: "Installed", installedVersion: "1.1.2", targetNamespace: "kubesphere-devops-system" });
  });

  it("create fails fast with the helm log fetched over HTTP from the other process", async () => {
    await custom.createClusterCustomObject({ group: "kubesphere.io", version: "v1alpha1", plural: "installplans", body: planObject("gatekeeper", "1.0.2", CFG) });
    const started = Date.now();
    const err = await provider.create!({ planName: "gatekeeper", expected: expectedFor("gatekeeper", "1.0.2", CFG), kubeconfig, timeoutSeconds: 30 })
      .then(() => undefined, (e: Error) => e);
    expect(err?.name).to.equal("InstallPlanFailedError");
    expect(err?.message).to.contain("InstallPlan gatekeeper failed: InstallFailed").and.contain('| Error: INSTALLATION FAILED: admission webhook "validation.gatekeeper.sh" denied the request');
    expect(Date.now() - started, "well before the 30 s timeout").to.be.below(20_000);
  });
});
