/** Properties of the pure readiness assessment that fixtures alone do not pin down. */
import { expect } from "chai";
import fc from "fast-check";
import {
  assessInstallPlan, describeTransition, ExpectedInstallPlan, isWorse, READINESS_ORDER, ReadinessStatus, worst,
} from "../../components/readiness/assess";
import { fnv1a64Hex } from "../../components/config/configHash";
import type { InstallPlan } from "../../components/kubesphere/types";

const CONFIG = "replicas: 1\n";
const EXPECTED: ExpectedInstallPlan = { name: "devops", version: "1.2.0", configHash: fnv1a64Hex(CONFIG), enabled: true };

function plan(status: InstallPlan["status"], spec: Partial<InstallPlan["spec"]> = {}): InstallPlan {
  return {
    apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "devops" },
    spec: { extension: { name: "devops", version: "1.2.0" }, enabled: true, config: CONFIG, ...spec }, status,
  };
}
const READY_STATUS = { state: "Installed", version: "1.2.0", configHash: fnv1a64Hex(CONFIG), enabled: true };

describe("readiness order", () => {
  const status = fc.constantFrom<ReadinessStatus>(...READINESS_ORDER);

  it("worst() is the maximum of the order, whatever the input order", () => {
    fc.assert(fc.property(fc.array(status), (xs) => {
      const w = worst(xs);
      expect(worst([...xs].reverse())).to.equal(w);
      for (const x of xs) expect(isWorse(w, x)).to.equal(false);
      if (xs.length > 0) expect(xs).to.include(w);
    }));
  });

  it("Failed outranks Stalled, which outranks Unknown and Progressing", () => {
    expect(worst(["Progressing", "Failed", "Unknown"])).to.equal("Failed");
    expect(worst(["Unknown", "Stalled", "Ready"])).to.equal("Stalled");
    expect(worst([])).to.equal("Ready");
    expect(isWorse("Progressing", "Progressing")).to.equal(false);
  });
});

describe("assessInstallPlan staleness", () => {
  it("is Ready only when state, version, configHash and enabled all match", () => {
    expect(assessInstallPlan(plan(READY_STATUS), EXPECTED).status).to.equal("Ready");
  });

  it("never reports Ready or Failed for a status whose version or hash is not the applied one", () => {
    const state = fc.constantFrom("Installed", "InstallFailed", "UpgradeFailed", "Installing", "Upgrading", "Preparing", "");
    const stale = fc.record({
      version: fc.constantFrom("1.1.0", "", "1.2.0"),
      configHash: fc.constantFrom(fnv1a64Hex(""), "", fnv1a64Hex(CONFIG), "0123456789abcdef"),
    }).filter((s) => s.version !== "1.2.0" || s.configHash !== fnv1a64Hex(CONFIG));
    fc.assert(fc.property(state, stale, fc.boolean(), (st, s, enabled) => {
      const a = assessInstallPlan(plan({ state: st, ...s, enabled }), EXPECTED);
      expect(a.status, `${st} ${JSON.stringify(s)} → ${a.message}`).to.equal("Progressing");
    }));
  });

  it("a failure for the applied spec fails with conditions[0] (the newest), not the last condition", () => {
    const a = assessInstallPlan(plan({
      ...READY_STATUS, state: "UpgradeFailed",
      conditions: [
        { type: "Upgraded", status: "False", reason: "UpgradeFailed", message: "newest", lastTransitionTime: "2026-01-01T00:02:00Z" },
        { type: "Installed", status: "True", reason: "InstallSuccessful", message: "Install complete", lastTransitionTime: "2026-01-01T00:01:00Z" },
      ],
    }), EXPECTED);
    expect(a.status).to.equal("Failed");
    expect(a.message).to.equal("UpgradeFailed: newest");
  });

  it("an explicit per-cluster hash wins over mustDifferFrom", () => {
    const exp: ExpectedInstallPlan = { ...EXPECTED, clusters: { m: { configHash: "aaaaaaaaaaaaaaaa", mustDifferFrom: "aaaaaaaaaaaaaaaa" } } };
    const a = assessInstallPlan(plan({ ...READY_STATUS, clusterSchedulingStatuses: { m: { state: "Installed", version: "1.2.0", configHash: "aaaaaaaaaaaaaaaa" } } }), exp);
    expect(a.status).to.equal("Ready");
  });

  it("mustDifferFrom \"\" accepts any recorded hash but not an empty one", () => {
    const exp: ExpectedInstallPlan = { ...EXPECTED, clusters: { m: { mustDifferFrom: "" } } };
    const entry = (configHash: string) => plan({ ...READY_STATUS, clusterSchedulingStatuses: { m: { state: "Installed", version: "1.2.0", configHash } } });
    expect(assessInstallPlan(entry("bbbbbbbbbbbbbbbb"), exp).status).to.equal("Ready");
    expect(assessInstallPlan(entry(""), exp).status).to.equal("Progressing");
  });

  it("a stall needs the grace period to have passed since the Job finished", () => {
    const p = plan({ ...READY_STATUS, state: "Installing", jobName: "j" });
    const jobs = { j: { complete: true, failed: false, completionTime: 1_000 } };
    expect(assessInstallPlan(p, EXPECTED, { jobs, now: 1_000 + 29_999 }).status).to.equal("Progressing");
    expect(assessInstallPlan(p, EXPECTED, { jobs, now: 1_000 + 30_000 }).status).to.equal("Stalled");
    expect(assessInstallPlan(p, EXPECTED, { jobs, now: 1_500, stallGraceMs: 500 }).status).to.equal("Stalled");
  });
});

describe("missing executor Job", () => {
  it("is Stalled once the Job has been missing longer than the grace, never on Installed", () => {
    const p = plan({ ...READY_STATUS, state: "Installing", jobName: "j" });
    const jobs = { j: { complete: false, failed: false, gone: true, goneSince: 1_000 } };
    expect(assessInstallPlan(p, EXPECTED, { jobs, now: 1_000 + 1_999 }).status).to.equal("Progressing");
    const a = assessInstallPlan(p, EXPECTED, { jobs, now: 1_000 + 2_000 });
    expect(a.status).to.equal("Stalled");
    expect(a.message).to.contain("executor Job j no longer exists while the plan is still Installing");
    expect(assessInstallPlan(plan({ ...READY_STATUS, jobName: "j" }), EXPECTED, { jobs, now: 1_000_000 }).status, "a TTL-cleaned Job behind Installed").to.equal("Ready");
  });
});

describe("describeTransition", () => {
  const exp: ExpectedInstallPlan = { ...EXPECTED, clusters: { member1: {} } };
  const installing = assessInstallPlan(plan({ ...READY_STATUS, state: "Installing", jobName: "j" }), exp);
  const hostDone = assessInstallPlan(plan({ ...READY_STATUS, clusterSchedulingStatuses: { member1: { state: "Installing", version: "1.2.0" } } }), exp);
  const allDone = assessInstallPlan(plan({ ...READY_STATUS, clusterSchedulingStatuses: { member1: { ...READY_STATUS } } }), exp);

  it("names the host transition and the clusters still pending", () => {
    expect(describeTransition(installing, hostDone)).to.equal("devops: Installing → Installed (host), member1: (none) → Installing");
    expect(describeTransition(hostDone, allDone)).to.equal("devops: Installed (host), member1: Installing → Installed");
  });

  it("describes the first observation and returns undefined when nothing changed", () => {
    expect(describeTransition(undefined, installing)).to.equal("devops: Installing (host), member1: (none)");
    expect(describeTransition(allDone, allDone)).to.equal(undefined);
  });
});
