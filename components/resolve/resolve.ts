/**
 * Preview-time resolution: catalog + request → the exact InstallPlan to write, or every problem
 * found. The KubeSphere controller enforces none of this (a missing version is a silent no-op,
 * ksVersion/kubeVersion and dependencies are advisory — docs/kubesphere-behavior.md §3), so this is where users learn
 * about it, before anything touches the cluster.
 *
 * The work is split by concern: `input.ts` (runtime types), `requestChecks.ts` (everything that needs
 * no catalog), `catalogChecks.ts` (everything that does) and `resolveSet.ts` (a whole set at once);
 * `resolveExtension` is the set of one.
 */
import type { Catalog } from "../catalog/catalog";
import { resolveSet } from "./resolveSet";
import type { ResolveContext, ResolvedExtension } from "./types";

export type { DependencyResolution, ResolveContext, ResolvedExtension } from "./types";
export { RETRY_COMMENT } from "./requestChecks";

/**
 * Resolves a request against a catalog. Resolves to the `ResolvedExtension` whose `installPlan`
 * is the exact object to emit; rejects with `ExtensionResolutionError` listing every problem.
 *
 * @param catalog where the facts come from
 * @param request the request as received; its runtime types are checked (a value from stack config
 *   or another language may be a string where a boolean belongs, and is rejected, never coerced)
 * @param context extensions declared alongside it, host version overrides, the stack identity
 */
export async function resolveExtension(
  catalog: Catalog,
  request: unknown,
  context: ResolveContext = {},
): Promise<ResolvedExtension> {
  const set = await resolveSet(catalog, [request], { ...context, standalone: true });
  return set.members[0];
}
