/**
 * Removal guard (issue 12 "nothing is taken over"): removing an extension that other installed
 * extensions still require is refused, naming them, unless `removeWithDependents`. The pure rule,
 * then `awaitDeleted` against the simulator's API server with the real catalog.
 */
import { expect } from "chai";
import type { Extension, ExtensionVersion, InstallPlan } from "../../components/kubesphere/types";
import { dependentsOf, removalRefusal } from "../../components/readiness/removalGuard";
import { awaitDeleted } from "../../components/readiness/providerRuntime";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { expectedFor, planObject } from "./support";

function ev(name: string, version: string, deps: Array<{ name: string; version: string; required: boolean }> = []): ExtensionVersion {
  return { apiVersion: "kubesphere.io/v1alpha1", kind: "ExtensionVersion", metadata: { name: `${name}-${version}` }, spec: { version, externalDependencies: deps.map((d) => ({ ...d, type: "extension" })) } } as ExtensionVersion;
}
function ext(name: string, installedVersion?: string): Extension {
  return { apiVersion: "kubesphere.io/v1alpha1", kind: "Extension", metadata: { name }, status: installedVersion ? { installedVersion } : {} } as Extension;
}
function plan(name: string, version: string, deleting = false): InstallPlan {
  const p = planObject(name, version, "");
  if (deleting) p.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
  return p;
}

describe("removal guard: the rule", () => {
  const evs = [
    ev("telemetry", "1.2.2"),
    ev("monitoring", "1.1.1", [{ name: "telemetry", version: ">= 1.2.1-0", required: true }]),
    ev("logging", "1.0.0", [{ name: "telemetry", version: ">= 1.0.0", required: false }]),
    ev("alerting", "2.0.0", [{ name: "telemetry", version: "*", required: true }]),
  ];

  it("names installed extensions that require it, whoever installed them", () => {
    const d = dependentsOf("telemetry", { extensionVersions: evs, extensions: [ext("telemetry", "1.2.2"), ext("monitoring", "1.1.1")], installPlans: [plan("telemetry", "1.2.2"), plan("monitoring", "1.1.1")] });
    expect(d).to.deep.equal([{ name: "monitoring", version: "1.1.1", constraint: ">= 1.2.1-0", how: "installed" }]);
    expect(removalRefusal("telemetry", d)).to.equal("refusing to remove extension telemetry: another extension in the cluster still requires it: " +
      "monitoring 1.1.1 (installed; requires telemetry >= 1.2.1-0). They may have been installed by another stack or the KubeSphere console. " +
      "Remove them first, or set `removeWithDependents: true` on telemetry to remove it anyway (they will stop working). Nothing was deleted.");
  });

  it("counts a plan still installing a dependent, ignores optional dependencies, leaving dependents and stale Extension statuses", () => {
    const facts = {
      extensionVersions: evs,
      extensions: [ext("telemetry", "1.2.2"), ext("monitoring", "1.1.1"), ext("logging", "1.0.0"), ext("alerting")],
      installPlans: [plan("telemetry", "1.2.2"), plan("monitoring", "1.1.1", true), plan("logging", "1.0.0"), plan("alerting", "2.0.0")],
    };
    expect(dependentsOf("telemetry", facts)).to.deep.equal([{ name: "alerting", version: "2.0.0", constraint: "*", how: "installing" }]);
    // An Extension whose plan is gone (uninstalled; the mirror lags) does not count.
    expect(dependentsOf("telemetry", { ...facts, installPlans: [plan("telemetry", "1.2.2")] })).to.deep.equal([]);
  });

  it("never counts the extension itself", () => {
    expect(dependentsOf("monitoring", { extensionVersions: evs, extensions: [ext("monitoring", "1.1.1")], installPlans: [plan("monitoring", "1.1.1")] })).to.deep.equal([]);
  });
});

describe("removal guard: awaitDeleted against the API server", function () {
  this.timeout(15_000);
  let env: FakeCluster;
  beforeEach(async () => {
    env = await startFakeCluster();
    const store = env.server.store;
    store.create("installplans", planObject("whizard-telemetry", "1.2.2", "") as never);
    store.create("installplans", planObject("whizard-monitoring", "1.1.1", "") as never);
    // Installed by someone else (the console): only the Extension mirror and the plan say so.
    const mon = store.mustGet("extensions", "whizard-monitoring");
    store.update("extensions", { ...mon, status: { ...(mon.status as object), installedVersion: "1.1.1", state: "Installed" } } as never);
  });
  afterEach(async () => { await env.close(); });

  const state = (extra: Record<string, unknown> = {}) => ({
    planName: "whizard-telemetry", expected: expectedFor("whizard-telemetry", "1.2.2", ""), kubeconfig: env.kubeconfig, timeoutSeconds: 5, ...extra,
  });

  it("refuses on every delete (also without deleteTimeoutSeconds), naming the dependent, and deletes nothing", async () => {
    for (const extra of [{}, { deleteTimeoutSeconds: 5 }]) {
      const err = await awaitDeleted(state(extra)).then(() => undefined, (e: Error) => e);
      expect(err?.message).to.match(/^refusing to remove extension whizard-telemetry: another extension in the cluster still requires it: whizard-monitoring 1\.1\.1 \(installed; requires whizard-telemetry >= 1\.2\.1-0\)/);
    }
    expect(env.server.countRequests({ verb: "delete" })).to.equal(0);
    expect(env.server.store.get("installplans", "whizard-telemetry")?.metadata.deletionTimestamp).to.equal(undefined);
  });

  it("removes it anyway with removeWithDependents: true", async () => {
    expect(await awaitDeleted(state({ removeWithDependents: true }))).to.equal("deleteTimeoutSeconds is not set");
    await awaitDeleted(state({ removeWithDependents: true, deleteTimeoutSeconds: 0.3 })).catch(() => undefined); // no controller: the wait times out
    expect(env.server.countRequests({ verb: "delete", resource: "installplans" })).to.equal(1);
  });

  it("rejects a removeWithDependents that is not a boolean (e.g. the string \"true\" from stack config)", async () => {
    const err = await awaitDeleted(state({ removeWithDependents: "true" })).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal('removeWithDependents must be a boolean (true or false), got "true"; nothing was deleted');
    expect(env.server.countRequests({ verb: "delete" })).to.equal(0);
  });

  it("lets the removal through once the dependent is gone", async () => {
    env.server.store.delete("installplans", "whizard-monitoring");
    expect(await awaitDeleted(state())).to.equal("deleteTimeoutSeconds is not set");
  });

  it("refuses when the facts cannot be read, saying why", async () => {
    env.server.injectFault({ match: { verb: "list", resource: "extensions" }, times: Infinity, action: { kind: "status", code: 503 } });
    const err = await awaitDeleted(state()).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.match(/^cannot check whether other extensions still require whizard-telemetry before removing it: LIST extensions\.kubesphere\.io on http:\S+: HTTP 503/)
      .and.contain("Nothing was deleted");
  });
});
