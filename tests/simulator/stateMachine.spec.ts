/**
 * The controller's pure rules (docs/kubesphere-behavior.md §2.2, §2.4, §2.5, §2.9, §2.11), row by row.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import { fnv1a64Hex } from "../../components/config/configHash";
import type { Cluster, InstallationStatus, InstallPlan } from "../../components/kubesphere/types";
import { clusterFixture } from "../../simulator/fixtures";
import { extensionStatusFor } from "../../simulator/statusWriter";
import {
  clusterConfig, configChanged, decide, deriveStatus, isSchedulable, jobPhase, MAX_STATE_HISTORY, roundToSecond, setState,
  State, targetClusters, targetNamespace, versionChanged, type JobLike, type ReleaseInfo,
} from "../../simulator/stateMachine";

const t = (s: string): Date => new Date(`2026-01-01T00:00:${s}Z`);

function job(action: string, status: JobLike["status"], created = "2026-01-01T00:00:10Z"): JobLike {
  return { metadata: { name: `helm-${action}-devops-abcdef`, creationTimestamp: created, annotations: { "executor.kubesphere.io/action": action } }, spec: { completions: 1, backoffLimit: 0 }, status };
}

function release(status: ReleaseInfo["status"], revision = 1, at = "05", description = "Install complete"): ReleaseInfo {
  return { name: "devops", revision, status, chartVersion: "1.1.2", lastDeployed: t(at), description };
}

function plan(scheduling: InstallPlan["spec"]["clusterScheduling"]): InstallPlan {
  return { apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "devops" }, spec: { extension: { name: "devops", version: "1.1.1" }, enabled: true, clusterScheduling: scheduling } };
}

describe("simulator state machine", () => {
  describe("setState and the history appender (§2.2)", () => {
    it("rounds to the nearest second, halfway up, like Go's time.Round", () => {
      expect(roundToSecond(new Date("2026-01-01T00:00:00.499Z")).toISOString()).to.equal("2026-01-01T00:00:00.000Z");
      expect(roundToSecond(new Date("2026-01-01T00:00:00.500Z")).toISOString()).to.equal("2026-01-01T00:00:01.000Z");
      const s: InstallationStatus = {};
      setState(s, State.Preparing, "", new Date("2026-01-01T00:00:04.700Z"));
      expect(s.stateHistory).to.deep.equal([{ lastTransitionTime: "2026-01-01T00:00:05Z", state: "Preparing" }]);
    });

    it("refuses the same state and a strictly earlier time, but accepts an equal time", () => {
      const s: InstallationStatus = {};
      expect(setState(s, State.Installing, "", t("10"))).to.equal(true);
      expect(setState(s, State.Installing, "", t("20"))).to.equal(false);
      expect(setState(s, State.Installed, "Install complete", t("09"))).to.equal(false);
      expect(s.state).to.equal("Installing");
      expect(s.conditions).to.equal(undefined);
      expect(setState(s, State.Installed, "Install complete", t("10"))).to.equal(true);
      expect(s.state).to.equal("Installed");
    });

    it("stores Upgraded as Installed with an Upgraded condition, and writes no condition for progress states", () => {
      const s: InstallationStatus = {};
      setState(s, State.Preparing, "", t("01"));
      setState(s, State.Installing, "", t("02"));
      expect(s.conditions).to.equal(undefined);
      setState(s, State.Installed, "Install complete", t("03"));
      setState(s, State.Upgrading, "", t("04"));
      setState(s, State.Upgraded, "Upgrade complete", t("05"));
      expect(s.state).to.equal("Installed");
      expect(s.conditions!.map((c) => `${c.type}=${c.status}/${c.reason}/${c.message}`)).to.deep.equal([
        "Upgraded=True/UpgradeSuccessful/Upgrade complete", "Installed=True/InstallSuccessful/Install complete",
      ]);
    });

    it("puts the newest condition first and keeps one per type", () => {
      const s: InstallationStatus = {};
      setState(s, State.InstallFailed, "boom", t("01"));
      setState(s, State.Installing, "", t("02"));
      setState(s, State.Installed, "Install complete", t("03"));
      expect(s.conditions!.map((c) => `${c.type}=${c.status}`)).to.deep.equal(["Installed=True"]);
      setState(s, State.UninstallFailed, "hook failed", t("04"));
      expect(s.conditions!.map((c) => `${c.type}=${c.status}/${c.reason}`)).to.deep.equal(["Uninstalled=False/UninstallFailed", "Installed=True/InstallSuccessful"]);
    });

    it("keeps the history sorted by time and at most 10 entries (property)", () => {
      fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...Object.values(State)), fc.integer({ min: 0, max: 120 })), { maxLength: 40 }), (steps) => {
        const s: InstallationStatus = {};
        for (const [state, sec] of steps) setState(s, state, "", new Date(Date.UTC(2026, 0, 1, 0, 0, sec)));
        const h = s.stateHistory ?? [];
        expect(h.length).to.be.at.most(MAX_STATE_HISTORY);
        for (let i = 1; i < h.length; i++) expect(Date.parse(h[i].lastTransitionTime)).to.be.at.least(Date.parse(h[i - 1].lastTransitionTime));
        for (let i = 1; i < h.length; i++) expect(h[i].state).to.not.equal(h[i - 1].state);
        if (h.length > 0) expect(s.state).to.equal(h[h.length - 1].state);
      }));
    });
  });

  describe("deriving state from the Job and the release (§2.4)", () => {
    it("maps a completed install Job to nothing: success comes only from the release", () => {
      const s: InstallationStatus = {};
      setState(s, State.Installing, "", t("10"));
      expect(deriveStatus(s, job("install", { succeeded: 1 }), undefined)).to.equal(false);
      expect(s.state).to.equal("Installing");
    });

    it("maps a failed Job to <action>Failed with the newest Job condition's message and time", () => {
      for (const [action, state] of [["install", "InstallFailed"], ["upgrade", "UpgradeFailed"], ["uninstall", "UninstallFailed"]]) {
        const s: InstallationStatus = {};
        setState(s, State.Preparing, "", t("09"));
        deriveStatus(s, job(action, { failed: 1, conditions: [{ type: "Failed", status: "True", message: "Job has reached the specified backoff limit", lastTransitionTime: "2026-01-01T00:00:30Z" }] }), undefined);
        expect(s.state).to.equal(state);
        expect(s.conditions![0].message).to.equal("Job has reached the specified backoff limit");
        expect(s.stateHistory!.at(-1)!.lastTransitionTime).to.equal("2026-01-01T00:00:30Z");
      }
    });

    it("maps an active Job to the progress state at the Job's creationTimestamp", () => {
      const s: InstallationStatus = {};
      deriveStatus(s, job("upgrade", { active: 1 } as JobLike["status"], "2026-01-01T00:00:07Z"), undefined);
      expect(s.stateHistory).to.deep.equal([{ lastTransitionTime: "2026-01-01T00:00:07Z", state: "Upgrading" }]);
    });

    it("maps a completed uninstall Job without release to Uninstalled", () => {
      const s: InstallationStatus = {};
      setState(s, State.Uninstalling, "", t("01"));
      deriveStatus(s, job("uninstall", { succeeded: 1, conditions: [{ type: "Complete", status: "True", lastTransitionTime: "2026-01-01T00:00:09Z" }] }), undefined);
      expect(s.state).to.equal("Uninstalled");
    });

    it("copies the deployed chart version even when the transition is refused (§6.5)", () => {
      const s: InstallationStatus = { version: "1.1.3" };
      setState(s, State.Upgrading, "", t("10"));
      expect(deriveStatus(s, undefined, release("deployed", 1, "02"))).to.equal(true);
      expect(s.version).to.equal("1.1.2");
      expect(s.state).to.equal("Upgrading");
    });

    it("maps release statuses: failed by revision, deployed by revision, pending ones", () => {
      const cases: Array<[ReleaseInfo, string, string?]> = [
        [release("failed", 1, "05", 'Release "devops" failed: boom'), "InstallFailed", "Installed=False"],
        [release("failed", 2, "05", 'Upgrade "devops" failed: boom'), "UpgradeFailed", "Upgraded=False"],
        [release("deployed", 1), "Installed", "Installed=True"],
        [release("deployed", 3, "05", "Upgrade complete"), "Installed", "Upgraded=True"],
        [release("pending-install"), "Installing"],
        [release("pending-upgrade", 2), "Upgrading"],
        [release("pending-rollback", 2), "Upgrading"],
        [release("uninstalling"), "Uninstalling"],
      ];
      for (const [rel, state, cond] of cases) {
        const s: InstallationStatus = {};
        deriveStatus(s, undefined, rel);
        expect(s.state, rel.status).to.equal(state);
        if (cond) expect(`${s.conditions![0].type}=${s.conditions![0].status}`).to.equal(cond);
        else expect(s.conditions).to.equal(undefined);
      }
    });

    it("decides Job phases from succeeded/completions and failed/backoffLimit", () => {
      expect(jobPhase(job("install", {}))).to.equal("active");
      expect(jobPhase(job("install", { succeeded: 1 }))).to.equal("completed");
      expect(jobPhase(job("install", { failed: 1 }))).to.equal("failed");
      expect(jobPhase({ metadata: { name: "j" }, spec: { backoffLimit: 2 }, status: { failed: 2 } })).to.equal("active");
    });
  });

  describe("host decision table (§2.5)", () => {
    const rows: Array<[string, boolean, string]> = [
      ["", false, "install"],
      ["", true, "install"],
      ["InstallFailed", false, "none"],
      ["InstallFailed", true, "install"],
      ["Preparing", true, "none"],
      ["Installing", true, "none"],
      ["Upgrading", true, "none"],
      ["Installed", false, "none"],
      ["Installed", true, "upgrade"],
      ["UpgradeFailed", false, "none"],
      ["UpgradeFailed", true, "upgrade"],
      ["Uninstalling", true, "none"],
      ["UninstallFailed", true, "none"],
      ["Uninstalled", true, "none"],
    ];
    for (const [state, changed, action] of rows) {
      it(`state "${state}" with ${changed ? "a" : "no"} change → ${action}`, () => {
        expect(decide(state, changed)).to.equal(action);
      });
    }

    it("versionChanged needs a recorded version that differs", () => {
      expect(versionChanged({}, "1.1.2")).to.equal(false);
      expect(versionChanged({ version: "1.1.2" }, "1.1.2")).to.equal(false);
      expect(versionChanged({ version: "1.1.1" }, "1.1.2")).to.equal(true);
    });

    it("configChanged counts an empty recorded hash as changed and compares FNV-1a of the stored config", () => {
      expect(configChanged({}, "")).to.equal(true);
      expect(configChanged({ configHash: "cbf29ce484222325" }, "")).to.equal(false);
      expect(configChanged({ configHash: fnv1a64Hex("a: b\n") }, "a: b\n")).to.equal(false);
      expect(configChanged({ configHash: fnv1a64Hex("a: b\n") }, "a: c\n")).to.equal(true);
    });

    it("targets EV spec.namespace or extension-<name>", () => {
      expect(targetNamespace("devops", "kubesphere-devops-system")).to.equal("kubesphere-devops-system");
      expect(targetNamespace("gatekeeper", undefined)).to.equal("extension-gatekeeper");
      expect(targetNamespace("gatekeeper", "")).to.equal("extension-gatekeeper");
    });
  });

  describe("cluster selection and per-cluster config (§2.9, §2.11)", () => {
    const clusters: Cluster[] = [
      clusterFixture("host", "host"),
      clusterFixture("m1", "member", { labels: { env: "prod" } }),
      clusterFixture("m2", "member", { labels: { env: "dev" } }),
    ];

    it("uses non-empty placement.clusters over the selector and skips missing clusters", () => {
      expect(targetClusters(plan({ placement: { clusters: ["m2", "gone"], clusterSelector: { matchLabels: { env: "prod" } } } }), clusters)).to.deep.equal(["m2"]);
    });

    it("uses the selector when clusters is empty; an empty selector matches all", () => {
      expect(targetClusters(plan({ placement: { clusters: [], clusterSelector: { matchLabels: { env: "prod" } } } }), clusters)).to.deep.equal(["m1"]);
      expect(targetClusters(plan({ placement: { clusterSelector: {} } }), clusters)).to.deep.equal(["host", "m1", "m2"]);
      expect(targetClusters(plan({ placement: { clusterSelector: { matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] } } }), clusters)).to.deep.equal(["host", "m2"]);
    });

    it("targets nothing without clusters or selector, and fails like the nil dereference without placement", () => {
      expect(targetClusters(plan({ placement: {} }), clusters)).to.deep.equal([]);
      expect(() => targetClusters(plan({ overrides: {} }), clusters)).to.throw(/nil pointer dereference/u);
    });

    it("treats a cluster as schedulable only when Ready=True, not Schedulable=False and not deleting", () => {
      expect(isSchedulable(clusterFixture("a", "member"))).to.equal(true);
      expect(isSchedulable(clusterFixture("a", "member", { ready: false }))).to.equal(false);
      expect(isSchedulable(clusterFixture("a", "member", { schedulable: false }))).to.equal(false);
      const deleting = clusterFixture("a", "member");
      deleting.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
      expect(isSchedulable(deleting)).to.equal(false);
    });

    it("computes the per-cluster config: host config without a key, else trim/merge/sorted re-serialisation", () => {
      expect(clusterConfig("a: 1\n", undefined, "m1")).to.equal("a: 1\n");
      expect(clusterConfig("a: 1\n", { m2: "b: 2" }, "m1")).to.equal("a: 1\n");
      expect(clusterConfig("  \n", { m1: " " }, "m1")).to.equal("");
      expect(clusterConfig("a: 1\n", { m1: "" }, "m1")).to.equal("a: 1");
      expect(clusterConfig("", { m1: "b: 2\n" }, "m1")).to.equal("b: 2");
      expect(clusterConfig("z: 1\nnested:\n  x: 1\n  y: [1]\n", { m1: "nested:\n  y: [2]\n  w: true\na: 0\n" }, "m1"))
        .to.equal("a: 0\nnested:\n    w: true\n    x: 1\n    y:\n        - 2\nz: 1\n");
    });
  });

  describe("Extension status mirror (§4 B)", () => {
    const p: InstallPlan = {
      apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "devops" },
      spec: { extension: { name: "devops", version: "1.1.3" }, enabled: false },
      status: { state: "Upgrading", version: "1.1.2", conditions: [{ type: "Installed", status: "True", reason: "InstallSuccessful", message: "Install complete", lastTransitionTime: "2026-01-01T00:00:01Z" }] },
    };

    it("copies state, conditions, the spec version as planned and status.version as installed, keeping the Extension controller's fields", () => {
      const next = extensionStatusFor(p, { recommendedVersion: "1.1.3", versions: [{ version: "1.1.2" }], state: "Installed", enabled: true });
      expect(next).to.deep.equal({
        recommendedVersion: "1.1.3", versions: [{ version: "1.1.2" }], state: "Upgrading",
        conditions: p.status!.conditions, plannedInstallVersion: "1.1.3", installedVersion: "1.1.2",
      });
    });

    it("clears the mirrored fields once the plan is Uninstalled", () => {
      const next = extensionStatusFor({ ...p, status: { ...p.status, state: "Uninstalled" } }, { recommendedVersion: "1.1.3", state: "Uninstalling", installedVersion: "1.1.2" });
      expect(next).to.deep.equal({ recommendedVersion: "1.1.3" });
    });
  });
});
