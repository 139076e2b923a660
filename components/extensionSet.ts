/**
 * `KubeSphereExtensionSet`: the whole desired set of extensions of one cluster in one place. It
 * builds the dependency graph from the catalog, exposes the topological order (dependencies
 * first), fails with the cycle spelled out when there is one, and creates one `KubeSphereExtension`
 * per entry, each ordered after the entries it requires.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterSchedulingArgs, KubeSphereExtension, KubeSphereExtensionOptions } from "./extension";
import { topologicalOrder } from "./graph/dependencyGraph";

// Kept out of the class's fields: Pulumi's component analyzer treats every field as an output.
const members = new WeakMap<KubeSphereExtensionSet, Record<string, KubeSphereExtension>>();

/** The member components of a set, by extension name. */
export function membersOf(set: KubeSphereExtensionSet): Record<string, KubeSphereExtension> {
  return members.get(set)!;
}

/** One extension of the set (the per-extension subset of `KubeSphereExtensionArgs`). */
export interface ExtensionEntryArgs {
  /** Extension name, e.g. `devops`. */
  name: string;
  /** Exact version, e.g. `1.1.2`. */
  version: pulumi.Input<string>;
  /** `spec.enabled`; defaults to `true`. */
  enabled?: pulumi.Input<boolean>;
  /** Helm values as an object. */
  config?: pulumi.Input<{ [key: string]: any }>;
  /** Helm values as YAML text. */
  configYaml?: pulumi.Input<string>;
  /** Agent placement (Multicluster versions only). */
  clusterScheduling?: pulumi.Input<ClusterSchedulingArgs>;
  /** Allow a downgrade. */
  allowDowngrade?: pulumi.Input<boolean>;
  /** Retry counter (see `KubeSphereExtensionArgs.retry`). */
  retry?: pulumi.Input<number>;
}

/** Arguments of `KubeSphereExtensionSet`. */
export interface KubeSphereExtensionSetArgs {
  /** The extensions; names must be unique. */
  extensions: ExtensionEntryArgs[];
  /** Kubeconfig text (secret) for reads and readiness; defaults to the standard loading rules. */
  kubeconfig?: pulumi.Input<string>;
  /** Kubeconfig context. */
  context?: pulumi.Input<string>;
  /** Offline catalog files/directories (see `KubeSphereExtensionArgs.catalogPaths`). */
  catalogPaths?: pulumi.Input<pulumi.Input<string>[]>;
  /** KubeSphere version override. */
  ksVersion?: pulumi.Input<string>;
  /** Kubernetes version override. */
  kubeVersion?: pulumi.Input<string>;
  /** Seconds to wait for each extension. */
  timeoutSeconds?: pulumi.Input<number>;
}

/** A set of extensions installed in dependency order. */
export class KubeSphereExtensionSet extends pulumi.ComponentResource {
  /** Extension names, dependencies first (the order installs happen in; deletes run in reverse). */
  declare public readonly order: pulumi.Output<string[]>;

  constructor(name: string, args: KubeSphereExtensionSetArgs, opts: KubeSphereExtensionOptions = {}) {
    const { catalog, progressReporter, ...componentOpts } = opts;
    super("kubesphere:index:KubeSphereExtensionSet", name, {}, componentOpts);

    const seen = new Set<string>();
    for (const e of args.extensions) {
      if (seen.has(e.name)) {
        throw new pulumi.ResourceError(`extension ${JSON.stringify(e.name)} appears more than once in the set; declare each extension once`, this, true);
      }
      seen.add(e.name);
    }

    const extensions: Record<string, KubeSphereExtension> = {};
    for (const e of args.extensions) {
      extensions[e.name] = new KubeSphereExtension(`${name}-${e.name}`, {
        ...e,
        kubeconfig: args.kubeconfig, context: args.context, catalogPaths: args.catalogPaths,
        ksVersion: args.ksVersion, kubeVersion: args.kubeVersion, timeoutSeconds: args.timeoutSeconds,
      }, { parent: this, catalog, progressReporter });
    }

    // The graph over the set, from each requested version's required externalDependencies.
    // Members resolve (and report a cycle) themselves; this output states the order they are applied in.
    members.set(this, extensions);
    const list = Object.values(extensions);
    this.order = pulumi.all(list.map((m) => pulumi.all([m.extensionName, m.requiredDependencies])))
      .apply((pairs) => topologicalOrder(pairs.map(([ext, requires]) => ({ name: ext, requires }))));
    this.registerOutputs({ order: this.order });
  }
}
