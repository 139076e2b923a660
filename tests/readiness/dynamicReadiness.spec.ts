/**
 * The `InstallPlanReadiness` dynamic resource:
 *
 * 1. under `pulumi.runtime.setMocks`, it registers with its type token and a serialized
 *    `__provider` (a broken closure fails here);
 * 2. that serialized text, loaded the way the dynamic-provider host loads it (`require-from-string`),
 *    yields a provider whose `create`/`update`/`delete` work against the simulator — so the
 *    closure plus the run-time `require` of the runtime module is proven, not just the in-process
 *    object;
 * 3. the exported provider object's `check`/`diff`/`delete` semantics.
 *
 * Not proven: the real engine and `pulumi-resource-pulumi-nodejs` process (no CLI here).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { ControllerSimulator } from "../../simulator/controller";
import {
  changedReadinessKeys, checkReadinessInputs, InstallPlanReadiness, installPlanReadinessProvider,
} from "../../components/readiness/dynamicReadiness";
import type { ReadinessProviderInputs } from "../../components/readiness/providerRuntime";
import { expectedFor, planObject } from "./support";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string, filename?: string) => { handler: () => pulumi.dynamic.ResourceProvider };

const CFG = "replicas: 1\n";
const REPO_ROOT = path.resolve(__dirname, "..", "..");

interface Registered { type: string; name: string; inputs: Record<string, unknown>; additionalSecretOutputs?: string[] }

async function registerUnderMocks(args: ConstructorParameters<typeof InstallPlanReadiness>[1]): Promise<{ reg: Registered; res: InstallPlanReadiness }> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks({
    newResource: (a) => {
      registered.push({ type: a.type, name: a.name, inputs: a.inputs });
      return { id: `${a.name}-id`, state: { ...a.inputs, state: "Installed" } };
    },
    call: (a) => { throw new Error(`unexpected invoke ${a.token}`); },
  }, "proj", "stack", false);
  // The mock monitor drops resource options; record the ones the engine would act on from the request.
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: RegisterRequest, cb: unknown) => unknown };
  const secretOutputs = new Map<string, string[]>();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    secretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
    return original(req, cb);
  };
  const res = new InstallPlanReadiness("devops-readiness", args);
  await new Promise<void>((resolve) => res.urn.apply(() => { resolve(); return undefined; }));
  const reg = registered.find((r) => r.name === "devops-readiness");
  if (!reg) throw new Error(`not registered; saw ${registered.map((r) => r.type).join(", ")}`);
  reg.additionalSecretOutputs = secretOutputs.get("devops-readiness");
  return { reg, res };
}

interface RegisterRequest { getName(): string; getAdditionalsecretoutputsList(): string[] }

describe("InstallPlanReadiness dynamic resource", function () {
  this.timeout(30_000);
  let env: FakeCluster;
  let sim: ControllerSimulator;

  beforeEach(async () => {
    env = await startFakeCluster();
    sim = await ControllerSimulator.start({ store: env.server.store, mode: "auto" });
  });
  afterEach(async () => { sim.stop(); await env.close(); });

  const inputs = (over: Partial<ReadinessProviderInputs> = {}): ReadinessProviderInputs => ({
    planName: "devops", expected: expectedFor("devops", "1.1.2", CFG), kubeconfig: env.kubeconfig, timeoutSeconds: 10, ...over,
  });

  describe("registration and serialization (setMocks)", () => {
    it("registers as pulumi-nodejs:dynamic/kubesphere:InstallPlanReadiness with a serialized provider that works when loaded like the provider host does", async () => {
      const { reg, res } = await registerUnderMocks({ planName: "devops", expected: expectedFor("devops", "1.1.2", CFG), kubeconfig: env.kubeconfig, timeoutSeconds: 10 });
      expect(reg.type).to.equal("pulumi-nodejs:dynamic/kubesphere:InstallPlanReadiness");
      const text = reg.inputs.__provider;
      expect(text).to.be.a("string").and.contain("exports.handler");
      expect(text as string, "credentials never go into the serialized provider").to.not.contain(env.server.token!);
      expect(await new Promise((r) => res.state.apply((s) => { r(s); return s; }))).to.equal("Installed");

      // Load the serialized provider the way @pulumi/pulumi/cmd/dynamic-provider does, from a project
      // whose node_modules has the package: its export resolves (here to the source, not a build).
      const Module = require("module") as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request: string, ...rest: unknown[]) {
        return request === "@kubesphere-ext/pulumi-kubesphere/readiness-runtime"
          ? path.join(REPO_ROOT, "components/provider/dynamicRuntime.ts") : resolve.call(this, request, ...rest);
      };
      let created: pulumi.dynamic.CreateResult;
      try {
        const provider = requireFromString(text as string, path.join(os.tmpdir(), "project", "__provider.js")).handler();
        env.server.store.create("installplans", planObject("devops", "1.1.2", CFG) as never);
        created = await provider.create!(inputs());
      } finally {
        Module._resolveFilename = resolve;
      }
      expect(created.id).to.equal("devops");
      expect(created.outs).to.deep.equal({
        ...inputs(), // the inputs come back as outputs: the engine diffs against old outputs and deletes from them
        state: "Installed", installedVersion: "1.1.2", targetNamespace: "kubesphere-devops-system",
        jobName: created.outs.jobName, clusterStates: {}, clusterServer: env.server.url,
      });
      expect(created.outs.jobName).to.match(/^helm-install-devops-/);
    });

    it("declares the kubeconfig a secret output (the outputs carry it so that delete reaches the same cluster)", async () => {
      const { reg } = await registerUnderMocks({ planName: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutSeconds: 10 }, );
      expect(reg.additionalSecretOutputs).to.deep.equal(["kubeconfig"]);
    });

    it("the serialized provider holds no path of this machine, and says how to fix a missing package", async () => {
      const { reg } = await registerUnderMocks({ planName: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutSeconds: 10 });
      const text = reg.inputs.__provider as string;
      expect(text).to.not.contain(REPO_ROOT);
      expect(text).to.contain("@kubesphere-ext/pulumi-kubesphere/readiness-runtime");
      // Loaded where the package is not installed (a directory without node_modules):
      const provider = requireFromString(text, path.join(os.tmpdir(), "__provider.js")).handler();
      const cwd = process.cwd();
      process.chdir(os.tmpdir());
      try {
        const err = await provider.create!(inputs()).then(() => undefined, (e: Error) => e);
        expect(err?.message).to.contain("cannot load @kubesphere-ext/pulumi-kubesphere/readiness-runtime")
          .and.contain("Install @kubesphere-ext/pulumi-kubesphere in the Pulumi project's node_modules");
      } finally {
        process.chdir(cwd);
      }
    });

    it("stores the kubeconfig input as a secret", async () => {
      const { reg } = await registerUnderMocks({ planName: "devops", expected: expectedFor("devops", "1.1.2", CFG), kubeconfig: "apiVersion: v1\nkind: Config\n", timeoutSeconds: 10 });
      const secretSig = "4dabf18193072939515e22adb298388d";
      const kc = reg.inputs.kubeconfig as Record<string, unknown> | string;
      // Under mocks secrets arrive either wrapped in the secret signature or flagged by the SDK; plain text means it leaked.
      expect(typeof kc === "object" && kc !== null && secretSig in kc, `kubeconfig input was ${JSON.stringify(kc)}`).to.equal(true);
    });
  });

  describe("provider.create/update/delete against the simulator", () => {
    it("update re-waits for the new spec and reports the upgrade", async () => {
      env.server.store.create("installplans", planObject("devops", "1.1.2", CFG) as never);
      await installPlanReadinessProvider.create!(inputs());
      env.server.store.patch("installplans", "devops", undefined, "merge", { spec: { extension: { name: "devops", version: "1.1.3" } } });
      const updated = await installPlanReadinessProvider.update!("devops", inputs(), inputs({ expected: expectedFor("devops", "1.1.3", CFG) }));
      expect(updated.outs).to.deep.include({ installedVersion: "1.1.3" });
    });

    it("create fails fast with the controller's cause and the retry advice", async () => {
      sim.faults.add({ effect: "fail", extension: "devops", error: "rendered manifests contain a resource that already exists" });
      env.server.store.create("installplans", planObject("devops", "1.1.2", CFG) as never);
      const err = await installPlanReadinessProvider.create!(inputs({ retry: 4 })).then(() => undefined, (e: Error) => e);
      expect(err?.name).to.equal("InstallPlanFailedError");
      expect(err?.message).to.contain("rendered manifests contain a resource that already exists").and.contain("`retry: 5`");
      // The dynamic-provider host prints `${e}: ${e.stack}`: the verdict, not a JavaScript stack trace.
      expect(err?.stack).to.equal("");
    });

    it("without a kubeconfig input, loads KUBECONFIG and honours `context`", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ks-readiness-"));
      const doc = YAML.parse(env.kubeconfig);
      // A second, current context that points nowhere: only `context: simulator` reaches the server.
      doc.clusters.push({ name: "dead", cluster: { server: "http://127.0.0.1:9", "insecure-skip-tls-verify": true } });
      doc.contexts.push({ name: "dead", context: { cluster: "dead", user: doc.users[0].name } });
      doc["current-context"] = "dead";
      const file = path.join(dir, "config");
      fs.writeFileSync(file, YAML.stringify(doc));
      const saved = process.env.KUBECONFIG;
      process.env.KUBECONFIG = file;
      try {
        env.server.store.create("installplans", planObject("devops", "1.1.2", CFG) as never);
        const created = await installPlanReadinessProvider.create!(inputs({ kubeconfig: undefined, context: "simulator" }));
        expect(created.outs.state).to.equal("Installed");
        const bad = await installPlanReadinessProvider.create!(inputs({ kubeconfig: undefined, context: "nope" })).then(() => undefined, (e: Error) => e);
        expect(bad?.message).to.contain(`the kubeconfig ($KUBECONFIG=${file}) has no context "nope"; contexts: simulator, dead`);
      } finally {
        if (saved === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = saved;
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("delete is a no-op by default (the Kubernetes provider deletes the plan and awaits its finalizer)", async () => {
      env.server.store.create("installplans", planObject("devops", "1.1.2", CFG) as never);
      await installPlanReadinessProvider.create!(inputs());
      await installPlanReadinessProvider.delete!("devops", inputs());
      expect(env.server.store.get("installplans", "devops")?.metadata.deletionTimestamp).to.equal(undefined);
    });

    it("with deleteTimeoutSeconds, delete (given the outputs, as the engine does) uninstalls the plan and waits until it is gone", async () => {
      env.server.store.create("installplans", planObject("devops", "1.1.2", CFG) as never);
      const { outs } = await installPlanReadinessProvider.create!(inputs({ deleteTimeoutSeconds: 10 }));
      await installPlanReadinessProvider.delete!("devops", outs);
      expect(env.server.store.get("installplans", "devops")).to.equal(undefined);
    });

    it("delete never acts on another cluster than the one the wait used: it steps aside for the Kubernetes provider", async () => {
      env.server.store.create("installplans", planObject("devops", "1.1.2", CFG) as never);
      const { outs } = await installPlanReadinessProvider.create!(inputs({ deleteTimeoutSeconds: 10 }));
      const other = await startFakeCluster();
      try {
        other.server.store.create("installplans", planObject("devops", "1.1.2", CFG) as never);
        // Same plan name on a second cluster, and a kubeconfig that now points there.
        const rt = await import("../../components/readiness/providerRuntime");
        const why = await rt.awaitDeleted({ ...outs, kubeconfig: other.kubeconfig } as never);
        expect(why).to.contain(`points at ${other.server.url}, but the plan was awaited on ${env.server.url}`);
        expect(other.server.store.get("installplans", "devops")?.metadata.deletionTimestamp, "untouched").to.equal(undefined);
        expect(other.server.countRequests({ verb: "delete" })).to.equal(0);
      } finally {
        await other.close();
      }
      expect(env.server.store.get("installplans", "devops")?.metadata.deletionTimestamp, "and not deleted here either").to.equal(undefined);
    });

    it("delete steps aside without a usable kubeconfig or permission, and otherwise reports uninstall failures", async () => {
      const rt = await import("../../components/readiness/providerRuntime");
      const saved = process.env.KUBECONFIG;
      process.env.KUBECONFIG = path.join(os.tmpdir(), "no-such-kubeconfig");
      try {
        expect(await rt.awaitDeleted({ ...inputs({ deleteTimeoutSeconds: 10 }), kubeconfig: undefined })).to.match(/^no usable kubeconfig/);
      } finally {
        if (saved === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = saved;
      }
      env.server.store.create("installplans", planObject("devops", "1.1.2", CFG) as never);
      env.server.injectFault({ match: { verb: "delete", resource: "installplans" }, times: Infinity, action: { kind: "status", code: 403 } });
      expect(await rt.awaitDeleted(inputs({ deleteTimeoutSeconds: 10 }))).to.match(/^no permission: DELETE installplans\/devops on http:\/\/127\.0\.0\.1:\d+: HTTP 403 Forbidden/);
      env.server.clearFaults();
      sim.faults.add({ effect: "fail", extension: "devops", action: "uninstall" });
      await installPlanReadinessProvider.create!(inputs());
      const err = await rt.awaitDeleted(inputs({ deleteTimeoutSeconds: 10 })).then(() => undefined, (e: Error) => e);
      expect(err?.name).to.equal("InstallPlanFailedError");
    });
  });

  describe("check and diff (pure)", () => {
    it("diff: a changed spec, plan name or kubeconfig (the stored copy must follow rotation) is an update; never a replacement", async () => {
      const base = { planName: "devops", expected: expectedFor("devops", "1.1.2", CFG), kubeconfig: "a", timeoutSeconds: 600 };
      expect(changedReadinessKeys(base, { ...base })).to.deep.equal([]);
      expect(changedReadinessKeys(base, { ...base, kubeconfig: "b" })).to.deep.equal(["kubeconfig"]);
      expect(changedReadinessKeys(base, { ...base, expected: { ...base.expected, configHash: "0000000000000000" } })).to.deep.equal(["expected"]);
      expect(changedReadinessKeys(base, { ...base, expected: { enabled: true, configHash: base.expected.configHash, version: "1.1.2", name: "devops" } }), "key order is irrelevant").to.deep.equal([]);
      const d = await installPlanReadinessProvider.diff!("devops", base, { ...base, planName: "devops2" });
      expect(d).to.deep.include({ changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("check: names every bad input, skips preview unknowns", () => {
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      expect(checkReadinessInputs({ planName: "", expected: { name: "devops", version: "1.1.2", configHash: "XYZ", enabled: "yes" }, timeoutSeconds: 0 }).map((f) => f.property))
        .to.deep.equal(["planName", "expected.configHash", "expected.enabled", "timeoutSeconds"]);
      expect(checkReadinessInputs({ planName: unknown, expected: unknown, timeoutSeconds: 600 })).to.deep.equal([]);
      expect(checkReadinessInputs({ planName: "devops", expected: expectedFor("devops", "1.1.2", CFG), timeoutSeconds: 600, deleteTimeoutSeconds: -1 })[0].reason)
        .to.equal("deleteTimeoutSeconds must be a positive number of seconds, got -1");
    });
  });
});
