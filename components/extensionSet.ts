/**
 * `KubeSphereExtensionSet`: the whole desired set of extensions of one cluster in one place — the
 * primary way to declare several extensions. The set is resolved ONCE (`resolveSet`): every member
 * against the catalog, the dependency graph over the members (a cycle is named), and every problem
 * of every member in one error, before anything is written. Each member becomes a
 * `KubeSphereExtension` child applied after the members it requires; deletes run in reverse.
 */
import * as pulumi from "@pulumi/pulumi";
import { componentError } from "./componentError";
import { COMMON_ARG_KEYS, ComponentResolution, resolveForComponent } from "./componentResolution";
import { declaredInDependsOn, flatten, settled } from "./declaredDependencies";
import {
  ExtensionRequestArgs, HostArgs, FailedSet, KubeSphereExtension, KubeSphereExtensionOptions, READINESS_HOST, SET_MEMBER, SetMemberResolution,
} from "./extension";
import type { ReadinessHost } from "./memberResources";
import { EXTENSION_SET_TYPE } from "./tokens";

// Kept out of the class's fields: Pulumi's component analyzer treats every field as an output.
const members = new WeakMap<KubeSphereExtensionSet, Record<string, KubeSphereExtension>>();

/** The member components of a set, by extension name. */
export function membersOf(set: KubeSphereExtensionSet): Record<string, KubeSphereExtension> {
  return members.get(set)!;
}

/** One extension of the set: its name (known when the program runs: members are named after it) and its request. */
export interface ExtensionEntryArgs extends ExtensionRequestArgs {
  /** Extension name, e.g. `devops`. Names must be unique in the set. */
  name: string;
}

/** Arguments of `KubeSphereExtensionSet`: the members, and the host arguments they share. */
export interface KubeSphereExtensionSetArgs extends HostArgs {
  /** The extensions; names must be unique. */
  extensions: ExtensionEntryArgs[];
}

function omitRollout(entry: Record<string, unknown>): Record<string, unknown> {
  const { rollout: _own, ...request } = entry;
  return request;
}

/** A set of extensions installed in dependency order. */
export class KubeSphereExtensionSet extends pulumi.ComponentResource {
  /** Extension names, dependencies first (the order installs happen in; deletes run in reverse). */
  declare public readonly order: pulumi.Output<string[]>;
  /** The declared members, `name -> version` (what other components may rely on through `dependsOn`). */
  declare public readonly versions: pulumi.Output<{ [name: string]: string }>;

  /**
   * @param name the resource name (members are `<name>-<extension>`).
   * @param args the members and the arguments they share.
   * @param opts component options; `dependsOn` states extensions outside the set that members may rely on.
   */
  constructor(name: string, args: KubeSphereExtensionSetArgs, opts: KubeSphereExtensionOptions = {}) {
    const { catalog: injectedCatalog, ...componentOpts } = opts;
    const host: ReadinessHost = (opts as unknown as { [READINESS_HOST]?: ReadinessHost })[READINESS_HOST] ?? "dynamic";
    delete (componentOpts as Record<symbol, unknown>)[READINESS_HOST];
    super(EXTENSION_SET_TYPE, name, {}, componentOpts);

    const entries = (args as unknown as { extensions?: unknown }).extensions;
    if (!Array.isArray(entries)) {
      throw componentError(`set ${JSON.stringify(name)}: extensions must be a list of {name, version, ...} entries, ` +
        `got ${entries === undefined ? "nothing" : typeof entries}`, this);
    }
    const a = args as unknown as Record<string, unknown>;
    const rawCommon = pulumi.unsecret(pulumi.output(Object.fromEntries(COMMON_ARG_KEYS.map((k) => [k, a[k]]))));
    const rawEntries = pulumi.unsecret(pulumi.output(entries as unknown[]));
    const stack = `${pulumi.getProject()}/${pulumi.getStack()}`;
    const resolution: pulumi.Output<ComponentResolution> = pulumi.all([rawCommon, rawEntries]).apply(async ([common, list]) =>
      resolveForComponent(this, `set ${JSON.stringify(name)}`, common as Record<string, unknown>,
        // `rollout` is each member's own (planned by the member), not part of the request.
        (list as unknown[]).map((e) => (e && typeof e === "object" && !Array.isArray(e) ? omitRollout(e as Record<string, unknown>) : e)),
        await declaredInDependsOn(opts.dependsOn, this.getProvider("kubernetes::")), injectedCatalog, stack));

    // Members are created now (so preview shows them), each with its share of the one resolution.
    // When the set fails, they fail with a pointer to the set's error instead of repeating it; an
    // unknown resolution (preview fed by other resources) stays unknown.
    const memberResolution = pulumi.output(settled(resolution).then(
      (r) => (r === undefined ? pulumi.unknown : r), () => ({ failedSet: name }))) as unknown as pulumi.Output<ComponentResolution | FailedSet>;
    // What the set depends on (e.g. another host's set that must be ready first) gates every member.
    const outside = pulumi.output(flatten(opts.dependsOn));
    const byName: Record<string, KubeSphereExtension> = {};
    entries.forEach((e, i) => {
      if (pulumi.Output.isInstance(e) || e === null || typeof e !== "object" || Array.isArray(e)) {
        // Members are named after their extension when the program runs; an entry that is itself an
        // unresolved value cannot be named (its fields may be Outputs, the entry itself may not).
        throw componentError(`set ${JSON.stringify(name)}: extensions[${i}] must be an object {name, version, ...} whose name is known ` +
          `when the program runs, not ${pulumi.Output.isInstance(e) ? "an Output" : e === null ? "null" : Array.isArray(e) ? "a list" : typeof e}`, this);
      }
      const entry = e as Record<string, unknown>;
      const key = typeof entry.name === "string" && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(entry.name) ? entry.name : undefined;
      if (key === undefined || byName[key]) return; // reported by the set's resolution (invalid or duplicate name)
      const member: SetMemberResolution = {
        name: key,
        resolution: memberResolution,
        after: pulumi.all([resolution, outside]).apply(([r, external]) => {
          const self = r.set.members.find((m) => m.name === key);
          const inSet = (self?.dependencies ?? []).filter((d) => d.satisfiedBy === "declared" && byName[d.name]).map((d) => byName[d.name]);
          return [...inSet, ...(external as pulumi.Resource[])];
        }) as pulumi.Output<pulumi.Resource[]>,
      };
      byName[key] = new KubeSphereExtension(`${name}-${key}`, {
        ...(entry as object),
        ...Object.fromEntries(COMMON_ARG_KEYS.map((k) => [k, a[k]])),
      } as never, { parent: this, [SET_MEMBER]: member, [READINESS_HOST]: host } as unknown as KubeSphereExtensionOptions);
    });
    members.set(this, byName);

    this.order = resolution.apply((r) => r.set.order);
    this.versions = resolution.apply((r) => Object.fromEntries(r.set.members.map((m) => [m.name, m.version])));
    this.registerOutputs({ order: this.order, versions: this.versions });
  }
}
