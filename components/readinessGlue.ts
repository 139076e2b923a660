/**
 * Progress in `pulumi up`: while the `InstallPlanReadiness` child resource waits (in the dynamic
 * provider's process, which cannot write to Pulumi's per-resource log), the program watches the
 * same plan with the same waiter and logs each state change on the component, e.g.
 * `devops: Installing → Installed (host), member1: Installing`. Best effort: failures are reported
 * by the readiness resource, not here.
 */
import { loadKubeConfig } from "./catalog/liveCatalog";
import type { ExpectedInstallPlan } from "./readiness/assess";
import { waitForInstallPlan } from "./readiness/waiter";

/** Inputs of a progress watch. */
export interface ProgressRequest {
  /** InstallPlan name. */
  planName: string;
  /** What the plan must show. */
  expected: ExpectedInstallPlan;
  /** Kubeconfig text (secret), or undefined for the default loading rules. */
  kubeconfig?: string;
  /** Kubeconfig context. */
  context?: string;
  /** Seconds before giving up. */
  timeoutSeconds: number;
  /** Writes one progress line to the component's log. */
  log: (message: string) => void;
}

/** Watches a plan and logs its progress until it is ready, failed or timed out. */
export type ProgressReporter = (req: ProgressRequest) => Promise<void>;

/** The default reporter: the readiness waiter with its progress callback routed to the log. */
export const reportProgress: ProgressReporter = async (req) => {
  await waitForInstallPlan({
    kubeConfig: loadKubeConfig({ kubeconfig: req.kubeconfig, context: req.context }),
    name: req.planName,
    expected: req.expected,
    timeoutMs: req.timeoutSeconds * 1000,
    onProgress: (p) => { if (p.kind === "transition") req.log(p.message); },
  });
};
