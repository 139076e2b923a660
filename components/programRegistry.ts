/**
 * What the components of one program know about each other: which extensions are declared, at
 * which versions, against which cluster (provider), and what each requires. This is how an
 * extension is ordered after the extensions it requires without a hand-written `dependsOn`, and how
 * a dependency cycle among declared extensions is named instead of deadlocking the deployment.
 */
import * as pulumi from "@pulumi/pulumi";
import { DependencyCycleError, topologicalOrder } from "./graph/dependencyGraph";

/** One declared extension. */
export interface DeclaredExtension {
  /** Extension name (known once the name input resolves). */
  name: Promise<string | undefined>;
  /** Requested version. */
  version: Promise<string | undefined>;
  /** Names of the extensions this one requires, once resolved (`[]` when resolution failed). */
  requires: Promise<string[]>;
  /** The component, for `dependsOn` (which expands to its InstallPlan and readiness children). */
  resource: pulumi.Resource;
}

const groups = new Map<string, DeclaredExtension[]>();
const providerKeys = new WeakMap<object, string>();
let providerCounter = 0;

/** A stable key per Kubernetes provider object (`default` when none is given). */
export function providerGroupKey(provider: pulumi.ProviderResource | undefined): string {
  if (!provider) return "default";
  let key = providerKeys.get(provider);
  if (!key) {
    key = `provider-${++providerCounter}`;
    providerKeys.set(provider, key);
  }
  return key;
}

/** Declares an extension in a provider group. */
export function declareExtension(group: string, entry: DeclaredExtension): void {
  let list = groups.get(group);
  if (!list) groups.set(group, (list = []));
  list.push(entry);
}

/** Lets every synchronously constructed component of the program register first. */
export function afterDeclarations(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `name -> version` of the other extensions declared in the group. */
export async function declaredVersions(group: string, self: DeclaredExtension): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of groups.get(group) ?? []) {
    if (e === self) continue;
    const [n, v] = await Promise.all([e.name, e.version]);
    if (n && v && out[n] === undefined) out[n] = v;
  }
  return out;
}

/** The declared entry for an extension name in a group. */
export async function findDeclared(group: string, name: string, self: DeclaredExtension): Promise<DeclaredExtension | undefined> {
  for (const e of groups.get(group) ?? []) {
    if (e !== self && (await e.name) === name) return e;
  }
  return undefined;
}

/**
 * Throws `DependencyCycleError` if `self` is on a cycle among the group's declared extensions.
 * Waits for every declared extension's requirements to be known.
 */
export async function checkCycles(group: string, self: DeclaredExtension): Promise<void> {
  const entries = groups.get(group) ?? [];
  const nodes = await Promise.all(entries.map(async (e) => ({
    name: (await e.name) ?? "",
    requires: await e.requires.catch(() => [] as string[]),
  })));
  try {
    topologicalOrder(nodes.filter((n) => n.name !== ""));
  } catch (e) {
    if (e instanceof DependencyCycleError && e.cycle.includes((await self.name) ?? "")) throw e;
    if (!(e instanceof DependencyCycleError)) throw e;
  }
}

/** Forgets every declaration (each test, or each program run in a long-lived process). @internal */
export function resetProgramRegistry(): void {
  groups.clear();
}
