/**
 * Baseline for `bench/readiness.ts`: an InstallPlan awaited with `pulumi.com/waitFor:
 * jsonpath={.status.state}=Installed` semantics, as pulumi-kubernetes' await implements them
 * (docs/pulumi-notes.md §1.2-§1.5): an informer (list, then watch) feeds every object to the condition; the
 * first object whose `.status.state` equals `Installed` ends the wait; nothing else does — a failed
 * state is not a result, so a failure runs until the timeout, which then reports "timed out waiting
 * for the condition" with no cause. There is no staleness check (no observedGeneration on
 * InstallPlans), so the first event after an update — the patched object with its old status —
 * already satisfies it.
 */
import * as k8s from "@kubernetes/client-node";
import type { InstallPlan } from "../components/kubesphere/types";

/** How a baseline wait ended. */
export interface BaselineOutcome {
  /** `matched`: the condition held; `timeout`: the deadline passed. */
  result: "matched" | "timeout";
  /** The object that matched (for stale-pass accounting). */
  plan?: InstallPlan;
}

/** Waits like `pulumi.com/waitFor: jsonpath={.status.state}=<value>` with a timeout. */
export async function waitForJsonpathState(kc: k8s.KubeConfig, name: string, value: string, timeoutMs: number): Promise<BaselineOutcome> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const watch = new k8s.Watch(kc);
  return new Promise<BaselineOutcome>((resolve) => {
    let finished = false;
    let controller: AbortController | undefined;
    const finish = (o: BaselineOutcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      controller?.abort();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ result: "timeout" }), timeoutMs);
    const consider = (plan: InstallPlan | undefined) => {
      if (plan?.status?.state === value) finish({ result: "matched", plan });
    };
    void (async () => {
      const list = await custom.listClusterCustomObject({ group: "kubesphere.io", version: "v1alpha1", plural: "installplans", fieldSelector: `metadata.name=${name}` }) as
        { items: InstallPlan[]; metadata: { resourceVersion: string } };
      consider(list.items[0]);
      if (finished) return;
      controller = await watch.watch("/apis/kubesphere.io/v1alpha1/installplans",
        { fieldSelector: `metadata.name=${name}`, resourceVersion: list.metadata.resourceVersion },
        (type: string, obj: unknown) => { if (type === "ADDED" || type === "MODIFIED") consider(obj as InstallPlan); },
        () => undefined);
      if (finished) controller.abort();
    })();
  });
}
