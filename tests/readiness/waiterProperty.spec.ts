/**
 * Property: for any sequence of controller status writes (stale statuses of the previous spec,
 * in-progress states, failures before a Job), the waiter settles only on a terminal status of the
 * applied spec — it resolves after a Ready write, rejects with the cause after a Failed write, and
 * otherwise keeps waiting. Random sequences are replayed through the real API server and client.
 */
import { expect } from "chai";
import fc from "fast-check";
import { startFakeCluster, type FakeCluster } from "../support/fakeApiServer";
import { waitForInstallPlan } from "../../components/readiness/waiter";
import { InstallPlanFailedError } from "../../components/readiness/errors";
import { fnv1a64Hex } from "../../components/config/configHash";
import type { InstallPlanStatus } from "../../components/kubesphere/types";
import { condition, expectedFor, planObject, realDelay, ScriptedController, track, until } from "./support";

const NS = "kubesphere-devops-system";
const OLD = "replicas: 1\n";
const NEW = "replicas: 2\n";

/** Non-terminal statuses: none of them may end the wait for the NEW config. */
const NON_TERMINAL: Record<string, InstallPlanStatus> = {
  staleInstalled: { targetNamespace: NS, state: "Installed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(OLD) },
  staleUpgradeFailed: {
    targetNamespace: NS, state: "UpgradeFailed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(OLD),
    conditions: [condition("Upgraded", "False", "UpgradeFailed", "Upgrade \"devops\" failed: previous attempt")],
  },
  preJobFailure: {
    targetNamespace: NS, state: "UpgradeFailed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(OLD),
    conditions: [condition("Upgraded", "False", "UpgradeFailed", "Failed to upgrade extension: chart download: 502 Bad Gateway")],
  },
  preparing: { targetNamespace: NS, state: "Preparing", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(OLD) },
  upgrading: { targetNamespace: NS, state: "Upgrading", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(NEW) },
  upgradingVersionDip: { targetNamespace: NS, state: "Upgrading", enabled: true, version: "1.1.1", configHash: fnv1a64Hex(NEW) },
  installedNotEnabled: { targetNamespace: NS, state: "Installed", version: "1.1.2", configHash: fnv1a64Hex(NEW) },
};
const READY: InstallPlanStatus = { targetNamespace: NS, state: "Installed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(NEW) };
const FAILED: InstallPlanStatus = {
  targetNamespace: NS, state: "UpgradeFailed", enabled: true, version: "1.1.2", configHash: fnv1a64Hex(NEW),
  conditions: [condition("Upgraded", "False", "UpgradeFailed", "Upgrade \"devops\" failed: this attempt")],
};

describe("waiter property: settles only on a terminal status of the applied spec", function () {
  this.timeout(60_000);
  let env: FakeCluster;
  before(async () => { env = await startFakeCluster(); });
  after(async () => { await env.close(); });

  it("for random status sequences", async () => {
    const ctl = new ScriptedController(env.server.store);
    ctl.namespace(NS);
    await fc.assert(fc.asyncProperty(
      fc.array(fc.constantFrom(...Object.keys(NON_TERMINAL)), { minLength: 1, maxLength: 6 }),
      fc.constantFrom<"ready" | "failed" | "none">("ready", "failed", "none"),
      async (steps, end) => {
        if (ctl.plan("devops")) { ctl.finishDeletion("devops"); env.server.store.delete("installplans", "devops"); }
        ctl.apply(planObject("devops", "1.1.2", NEW));
        ctl.setStatus("devops", NON_TERMINAL[steps[0]]);
        const ac = new AbortController();
        const seen: string[] = [];
        const wait = track(waitForInstallPlan({
          kubeConfig: env.kc, name: "devops", expected: expectedFor("devops", "1.1.2", NEW), timeoutMs: 30_000,
          pollIntervalMs: 30, backoff: { initialMs: 5, maxMs: 20 }, logSettleMs: 0, signal: ac.signal,
          onProgress: (p) => { if (p.assessment) seen.push(p.assessment.status); },
        }));
        try {
          await until(() => seen.length > 0, "first assessment");
          for (const s of steps.slice(1)) {
            ctl.setStatus("devops", NON_TERMINAL[s]);
            await realDelay(3);
          }
          await realDelay(40); // more than one poll tick on the last non-terminal status
          expect(wait.settled(), `settled after ${steps.join(" → ")}`).to.equal(false);
          if (end === "none") return;
          ctl.setStatus("devops", end === "ready" ? READY : FAILED);
          const outcome = await wait.promise.then((r) => r, (e: unknown) => e);
          if (end === "ready") {
            expect(outcome, `after ${steps.join(" → ")} → Ready`).to.have.property("state", "Installed");
          } else {
            expect(outcome).to.be.instanceOf(InstallPlanFailedError);
            expect((outcome as InstallPlanFailedError).conditionMessage).to.equal("Upgrade \"devops\" failed: this attempt");
          }
        } finally {
          ac.abort();
          await wait.promise.catch(() => undefined);
        }
      },
    ), { numRuns: 15 });
  });
});
