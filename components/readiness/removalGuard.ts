/**
 * "Nothing is taken over" on removal: an extension that other installed extensions still require
 * must not be uninstalled from under them, whoever installed them (another stack, the console).
 * Pure rule; `providerRuntime.awaitDeleted` reads the objects and applies it before deleting
 * anything (docs/readiness.md "Removal guard").
 */
import type { Extension, ExtensionVersion, InstallPlan } from "../kubesphere/types";

/** An extension that requires the one being removed. */
export interface Dependent {
  /** Extension name. */
  name: string;
  /** Its installed version (or, while it is being installed, the version its plan installs). */
  version: string;
  /** The version constraint it declares on the removed extension. */
  constraint: string;
  /** `installed` (Extension status.installedVersion) or `installing` (its plan, not yet installed). */
  how: "installed" | "installing";
}

/** What the rule looks at: the cluster's Extensions, ExtensionVersions and InstallPlans. */
export interface RemovalFacts {
  /** Extensions (status.installedVersion). */
  extensions: Extension[];
  /** ExtensionVersions (spec.externalDependencies). */
  extensionVersions: ExtensionVersion[];
  /** InstallPlans (which extensions are managed, and which are being deleted). */
  installPlans: InstallPlan[];
}

function requirement(ev: ExtensionVersion | undefined, removed: string): string | undefined {
  const dep = (ev?.spec?.externalDependencies ?? []).find((d) => d.name === removed && d.required === true);
  return dep ? (dep.version || "*") : undefined;
}

/**
 * Extensions other than `removed` that still require it: installed ones (Extension
 * `status.installedVersion`, whose ExtensionVersion lists `removed` as a required external
 * dependency) and ones being installed (a plan whose spec version requires it). An extension whose
 * InstallPlan is gone or being deleted is leaving too and does not count.
 *
 * @param removed the extension being removed.
 * @param facts the cluster's objects.
 */
export function dependentsOf(removed: string, facts: RemovalFacts): Dependent[] {
  const evs = new Map(facts.extensionVersions.map((e) => [e.metadata.name, e]));
  const plans = new Map<string, InstallPlan>();
  for (const p of facts.installPlans) plans.set(p.spec?.extension?.name ?? p.metadata.name, p);
  const out = new Map<string, Dependent>();
  for (const ext of facts.extensions) {
    const name = ext.metadata.name;
    const version = ext.status?.installedVersion;
    const plan = plans.get(name);
    if (name === removed || !version || !plan || plan.metadata.deletionTimestamp) continue;
    const constraint = requirement(evs.get(`${name}-${version}`), removed);
    if (constraint !== undefined) out.set(name, { name, version, constraint, how: "installed" });
  }
  for (const [name, plan] of plans) {
    if (name === removed || out.has(name) || plan.metadata.deletionTimestamp) continue;
    const version = plan.spec?.extension?.version;
    if (!version) continue;
    const constraint = requirement(evs.get(`${name}-${version}`), removed);
    if (constraint !== undefined) out.set(name, { name, version, constraint, how: "installing" });
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The refusal text naming the dependents and the way out. */
export function removalRefusal(removed: string, dependents: Dependent[]): string {
  const list = dependents.map((d) => `${d.name} ${d.version} (${d.how}; requires ${removed} ${d.constraint})`).join(", ");
  return `refusing to remove extension ${removed}: ${dependents.length === 1 ? "another extension in the cluster still requires it" : `${dependents.length} other extensions in the cluster still require it`}: ${list}. ` +
    `They may have been installed by another stack or the KubeSphere console. Remove them first, or set ` +
    `\`removeWithDependents: true\` on ${removed} to remove it anyway (they will stop working). Nothing was deleted.`;
}
