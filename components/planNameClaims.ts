/**
 * One InstallPlan per extension per cluster in a program: two components that would write the same
 * plan (`vector` twice, against the same Kubernetes provider) would overwrite each other, so the
 * second is refused at preview. The claims hang on the run's own root stack resource — a second run
 * in the same process has a new one and starts empty; nothing is remembered between runs, and no
 * component waits for another (each checks its own name when it is constructed).
 */
import * as pulumi from "@pulumi/pulumi";

const claimsByRun = new WeakMap<object, WeakMap<object, Map<string, string>>>();
const DEFAULT_PROVIDER = {};

/**
 * Claims `planName` for `component` against `provider`; returns the name of the component that
 * claimed it first in this run, or `undefined` when it is free. Without a run (mocks without a
 * stack, the provider's construct) nothing is checked here; `KubeSphereExtensionSet` and the
 * policy pack's unique-plan policy still are.
 */
export function claimPlanName(planName: string, component: string, provider: pulumi.ProviderResource | undefined): string | undefined {
  const run = pulumi.runtime.getStackResource() as object | undefined;
  if (!run) return undefined;
  let byProvider = claimsByRun.get(run);
  if (!byProvider) claimsByRun.set(run, (byProvider = new WeakMap()));
  const key = provider ?? DEFAULT_PROVIDER;
  let names = byProvider.get(key);
  if (!names) byProvider.set(key, (names = new Map()));
  const first = names.get(planName);
  if (first !== undefined && first !== component) return first;
  names.set(planName, component);
  return undefined;
}
