/** Wording of failure and timeout messages (pure), for the branches the end-to-end tests do not reach. */
import { expect } from "chai";
import { assessInstallPlan, ExpectedInstallPlan } from "../../components/readiness/assess";
import { formatFailure, formatLogTails, formatTimeout, retryHint } from "../../components/readiness/messages";
import { fnv1a64Hex } from "../../components/config/configHash";
import type { InstallPlan } from "../../components/kubesphere/types";

const EXPECTED: ExpectedInstallPlan = { name: "devops", version: "1.1.3", configHash: fnv1a64Hex(""), enabled: true, clusters: { member1: {} } };
function plan(status: InstallPlan["status"]): InstallPlan {
  return { apiVersion: "kubesphere.io/v1alpha1", kind: "InstallPlan", metadata: { name: "devops" }, spec: { extension: { name: "devops", version: "1.1.3" }, enabled: true }, status };
}

describe("readiness messages", () => {
  it("retryHint names the next retry value and why an identical re-apply does nothing", () => {
    expect(retryHint()).to.contain("set `retry: 1` on the component").and.contain("an identical re-apply of a failed plan does nothing in KubeSphere");
    expect(retryHint(7)).to.contain("`retry: 8`");
  });

  it("formatLogTails indents each line and says why a log is missing", () => {
    expect(formatLogTails([{ pod: "p", container: "helm", text: "a\nb\n" }], 40)).to.equal("last 40 lines of pod p, container helm:\n    | a\n    | b");
    expect(formatLogTails([{ pod: "p", container: "helm", error: "the executor pod's log is not available: HTTP 400" }], 40)).to.contain("(the executor pod's log is not available: HTTP 400)");
    expect(formatLogTails([], 40)).to.contain("no executor pod found");
    expect(formatLogTails(undefined, 40, "no executor pod found for Job j")).to.equal("(no executor pod found for Job j)");
  });

  it("a deletion failure gives no retry advice", () => {
    const a = assessInstallPlan(plan({ state: "UninstallFailed" }), EXPECTED);
    expect(formatFailure({ planName: "devops", kind: "Failed", assessment: a, deletion: true })).to.not.contain("retry");
  });

  it("timeout on a stale Installed (upgrade never started) points at the ExtensionVersion and the controller", () => {
    const last = assessInstallPlan(plan({ state: "Installed", version: "1.1.2", configHash: fnv1a64Hex(""), enabled: true }), EXPECTED);
    const text = formatTimeout({ planName: "devops", goal: "ready", waitedMs: 600_000, last, extension: { name: "devops", version: "1.1.3" }, extensionVersionExists: true });
    expect(text).to.contain("timed out after 600s waiting for InstallPlan devops to be ready; last state: Progressing, host state \"Installed\": status.version is \"1.1.2\"");
    expect(text).to.contain("is ExtensionVersion devops-1.1.3 present? kubectl get extensionversion devops-1.1.3");
  });

  it("timeout in Preparing, with a pre-Job failure, a pending cluster and API trouble lists every hint", () => {
    const last = assessInstallPlan(plan({
      state: "Preparing", targetNamespace: "extension-devops",
      conditions: [{ type: "Installed", status: "False", reason: "InstallFailed", message: "Failed to install extension: x509: certificate signed by unknown authority", lastTransitionTime: "2026-01-01T00:00:00Z" }],
    }), EXPECTED);
    const text = formatTimeout({ planName: "devops", goal: "ready", waitedMs: 10_000, last: { ...last, preJobFailure: "x509: certificate signed by unknown authority" }, lastApiError: "GET installplans/devops: HTTP 503" });
    expect(text).to.contain("stuck in Preparing: chart download, Repository or RBAC setup");
    expect(text).to.contain("the controller keeps failing before creating a Job: x509");
    expect(text).to.contain("cluster member1: waiting for the host to be Installed");
    expect(text).to.contain("the Kubernetes API was failing: GET installplans/devops: HTTP 503");
  });

  it("timeout of a deletion mentions unreachable clusters and force-delete", () => {
    const text = formatTimeout({ planName: "devops", goal: "deleted", waitedMs: 5_000 });
    expect(text).to.contain("to be deleted; last state: never observed").and.contain("kubesphere.io/force-delete=true");
  });
});
