/**
 * Ordering extensions by their `externalDependencies`: a topological order (dependencies first)
 * and, when there is none, the cycle spelled out (`a -> b -> c -> a`).
 */

/** One node: an extension and the names of the extensions it must come after. */
export interface DependencyNode {
  /** Extension name. */
  name: string;
  /** Names of extensions this one requires. Names not among the nodes are ignored here. */
  requires: string[];
}

/** Thrown when the declared extensions require each other in a cycle. */
export class DependencyCycleError extends Error {
  /** The cycle, first name repeated at the end: `["a", "b", "a"]`. */
  readonly cycle: string[];
  constructor(cycle: string[]) {
    super(cycle.length === 2 && cycle[0] === cycle[1]
      ? `${cycle[0]} requires itself (${cycle.join(" -> ")}): its ExtensionVersion lists ${cycle[0]} in spec.externalDependencies. ` +
        `This is an error in the catalog, not in your program, and no declaration can satisfy it; use another version of ` +
        `${cycle[0]} or ask its publisher to remove the entry from extension.yaml.`
      : `extensions depend on each other in a cycle: ${cycle.join(" -> ")}; KubeSphere cannot install any of them first. ` +
        "The dependencies come from the catalog's ExtensionVersions, so choose versions that do not require each other, " +
        "or install one of them separately first (then it counts as installed).");
    this.name = "DependencyCycleError";
    this.cycle = cycle;
  }
}

/**
 * Returns the node names in an order where every node comes after the nodes it requires. Ties are
 * broken by name, so the order is deterministic. Throws `DependencyCycleError` naming a real cycle.
 */
export function topologicalOrder(nodes: DependencyNode[]): string[] {
  const names = new Set(nodes.map((n) => n.name));
  const edges = new Map<string, string[]>();
  for (const n of nodes) {
    edges.set(n.name, [...new Set(n.requires.filter((r) => names.has(r) && r !== n.name))].sort());
    if (n.requires.includes(n.name)) throw new DependencyCycleError([n.name, n.name]);
  }
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): void => {
    const s = state.get(name);
    if (s === "done") return;
    if (s === "visiting") {
      const start = stack.indexOf(name);
      throw new DependencyCycleError([...stack.slice(start), name]);
    }
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of edges.get(name) ?? []) visit(dep);
    stack.pop();
    state.set(name, "done");
    order.push(name);
  };
  for (const name of [...names].sort()) visit(name);
  return order;
}

/** Names of the nodes that (transitively) require `name`, for "cannot delete X: Y needs it". */
export function dependentsOf(nodes: DependencyNode[], name: string): string[] {
  const result = new Set<string>();
  let frontier = [name];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const n of nodes) {
      if (!result.has(n.name) && n.name !== name && n.requires.some((r) => frontier.includes(r))) {
        result.add(n.name);
        next.push(n.name);
      }
    }
    frontier = next;
  }
  return [...result].sort();
}
