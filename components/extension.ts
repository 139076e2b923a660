/**
 * `KubeSphereExtension`: one KubeSphere extension at one exact version, as code.
 *
 * The constructor only wires things together; the decisions live in pure modules:
 * `resolve/` (validation and the InstallPlan body), `graph/` (ordering), `readiness/` (when the
 * extension is really installed). At preview the requested ExtensionVersion is resolved against the
 * catalog and every problem is reported at once, before anything is written; on `up` the InstallPlan
 * is applied and the component waits until the controller reports it installed for exactly this
 * spec, failing fast with the controller's cause.
 */
import * as pulumi from "@pulumi/pulumi";
import { componentError } from "./componentError";
import type { Catalog } from "./catalog/catalog";
import { COMMON_ARG_KEYS, ComponentResolution, DEFAULT_TIMEOUT_SECONDS, resolveForComponent } from "./componentResolution";
import { declaredInDependsOn } from "./declaredDependencies";
import { ComponentOutputs } from "./kubesphere/annotations";
import { createMemberResources, MemberResources, ReadinessHost } from "./memberResources";
import { expectedInstallPlan } from "./readiness/expected";
import { describeRollout, planRollout, RolloutInputError } from "./rollout";
import type { RolloutInput } from "./rollout";
import { claimPlanName } from "./planNameClaims";
import { EXTENSION_REQUEST_FIELDS } from "./resolve/request";
import type { ResolvedExtension } from "./resolve/resolve";
import { EXTENSION_TYPE } from "./tokens";

/** A Kubernetes label-selector requirement (`operator`: `In`, `NotIn`, `Exists` or `DoesNotExist`). */
export interface LabelSelectorRequirementArgs {
  /** Label key. */
  key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  operator: string;
  /** Values for `In`/`NotIn`. */
  values?: string[];
}

/** A Kubernetes label selector over `Cluster` objects. An empty selector matches every cluster. */
export interface LabelSelectorArgs {
  /** Labels that must all match exactly. */
  matchLabels?: { [key: string]: string };
  /** Requirements that must all hold. */
  matchExpressions?: LabelSelectorRequirementArgs[];
}

/** Where the agents of a `Multicluster` extension run, and their per-cluster Helm values. */
export interface ClusterSchedulingArgs {
  /**
   * Member clusters by name; each must be a `Cluster` object (the controller silently skips unknown
   * names, so unknown names are errors here). When non-empty it wins over `clusterSelector`.
   */
  clusters?: pulumi.Input<pulumi.Input<string>[]>;
  /** Label selector over `Cluster` objects, used when `clusters` is empty. `{}` selects every cluster. */
  clusterSelector?: pulumi.Input<LabelSelectorArgs>;
  /** Per-cluster Helm values as objects, deep-merged over `config` by the controller. */
  overrides?: pulumi.Input<{ [cluster: string]: pulumi.Input<{ [key: string]: any }> }>;
  /** Per-cluster Helm values as YAML text. A cluster may appear here or in `overrides`, not both. */
  overridesYaml?: pulumi.Input<{ [cluster: string]: pulumi.Input<string> }>;
  /**
   * Accept a placement that targets no cluster (an empty list or a selector matching nothing, which
   * removes the agents from every cluster). Defaults to `false`: such a placement is an error.
   */
  allowNoClusters?: pulumi.Input<boolean>;
}

/** Staged rollout of the member-cluster agents of a Multicluster extension (docs/rollouts.md). */
export interface RolloutArgs {
  /**
   * Explicit groups of clusters, applied in this order; every target cluster must be in exactly one
   * wave. Clusters leaving the placement are removed wave by wave, last wave first. Not with `batchSize`.
   */
  waves?: string[][];
  /** Groups of this many clusters, in the order of `clusterScheduling.clusters` (a selector's matches by name). Not with `waves`. */
  batchSize?: number;
  /** Seconds to wait after a wave is installed before the next one starts (a soak period). Defaults to 0. */
  pauseSeconds?: number;
}

/**
 * Where the facts about a KubeSphere host come from, and how long to wait: the arguments
 * `KubeSphereExtension` and `KubeSphereExtensionSet` share.
 */
export interface HostArgs {
  /**
   * Kubeconfig YAML for preview-time reads and readiness (treat as a secret; it never reaches
   * state, outputs or logs). Defaults to the standard loading rules (`KUBECONFIG`, `~/.kube/config`).
   * It must point at the same cluster as the Kubernetes provider of this component.
   */
  kubeconfig?: pulumi.Input<string>;
  /** Kubeconfig context to use. Defaults to the current context. */
  context?: pulumi.Input<string>;
  /**
   * Offline catalog: YAML files or directories of KubeSphere objects (ExtensionVersions, Extensions,
   * Repository, Clusters, ...) and/or an extensions-museum `index.yaml` (with its chart archives
   * beside it). When set, nothing is read from the cluster at preview.
   */
  catalogPaths?: pulumi.Input<pulumi.Input<string>[]>;
  /** Offline catalog only: extensions already installed, `name -> version`. */
  installedExtensions?: pulumi.Input<{ [name: string]: pulumi.Input<string> }>;
  /** Offline catalog only: cluster names known to the host. Defaults to `["host"]`. */
  clusterNames?: pulumi.Input<pulumi.Input<string>[]>;
  /** KubeSphere version of the host, e.g. `v4.1.3`; overrides discovery (required offline when constraints exist). */
  ksVersion?: pulumi.Input<string>;
  /** Kubernetes version of the host, e.g. `v1.30.4`; overrides discovery. */
  kubeVersion?: pulumi.Input<string>;
  /**
   * Seconds to wait for the extension to be installed. Defaults to the `customTimeouts` option
   * (create/update), else 900 (Helm's own timeout is 10 minutes, plus chart download).
   */
  timeoutSeconds?: pulumi.Input<number>;
  /**
   * Seconds to wait for the uninstall when the extension is removed (or on `pulumi destroy`); the
   * component deletes the InstallPlan itself and reports `UninstallFailed` with the uninstall Job's
   * log, or a deletion that can never finish (its ExtensionVersion is gone). Defaults to 900.
   */
  deleteTimeoutSeconds?: pulumi.Input<number>;
  /**
   * On removal, add `kubesphere.io/force-delete` first: KubeSphere then uninstalls the host release
   * without hooks (the documented escape hatch for a stuck uninstall). Defaults to `false`.
   */
  forceDeleteOnDestroy?: pulumi.Input<boolean>;
  /**
   * On removal, uninstall even though other installed extensions still require this one (they
   * will break). Defaults to `false`: the removal is refused and the dependents are named.
   */
  removeWithDependents?: pulumi.Input<boolean>;
  /**
   * Offline chart source for config checks: a directory of chart archives (`<name>-<version>.tgz`),
   * e.g. next to `catalogPaths`. Live previews read the charts from the cluster.
   */
  chartsPath?: pulumi.Input<string>;
  /** Treat config findings against the chart (unknown keys, type mismatches) as errors. Defaults to `false` (warnings). */
  strictConfig?: pulumi.Input<boolean>;
}

/** What is requested of one extension: everything but its name (shared by `KubeSphereExtension` and set entries). */
export interface ExtensionRequestArgs {
  /**
   * Exact ExtensionVersion to install, e.g. `1.1.2`. Ranges (`^1.1`, `>=1`), `latest` and empty are
   * rejected: KubeSphere installs exactly this version and silently does nothing when it does not exist.
   */
  version: pulumi.Input<string>;
  /** `spec.enabled` (always sent). Defaults to `true`. `false` still installs the chart but disables its UI/API objects. */
  enabled?: pulumi.Input<boolean>;
  /** `spec.upgradeStrategy`. Defaults to `Manual` (KubeSphere reads neither value; the policy pack requires `Manual`). */
  upgradeStrategy?: pulumi.Input<string>;
  /** Helm values as an object; rendered as YAML with sorted keys. Give `config` or `configYaml`, not both. */
  config?: pulumi.Input<{ [key: string]: any }>;
  /** Helm values as YAML text. Must parse; trailing whitespace is trimmed per line as the admission webhook does. */
  configYaml?: pulumi.Input<string>;
  /** Agent placement; only for `Multicluster` versions. */
  clusterScheduling?: pulumi.Input<ClusterSchedulingArgs>;
  /** Allow installing a version lower than the installed one. Defaults to `false`. */
  allowDowngrade?: pulumi.Input<boolean>;
  /**
   * Retry counter. KubeSphere never retries a failed install on an identical re-apply; raising this
   * number adds a YAML comment line to the config, so the configHash changes and the controller
   * runs the install again. Defaults to 0 (no comment).
   */
  retry?: pulumi.Input<number>;
  /**
   * Take over an InstallPlan of this name that already exists but was not created by this stack
   * (installed from the console, or managed by another stack). Defaults to `false`: such a plan is
   * never adopted silently; preview fails and says how to adopt it (this flag, or `pulumi import`).
   */
  adopt?: pulumi.Input<boolean>;
  /**
   * Apply placement and per-cluster override changes one wave of member clusters at a time: a wave
   * starts only when every cluster of the previous one is Installed with its expected config; the
   * first failing wave stops the rollout (the next `up` resumes it). The readiness resource then owns
   * `spec.clusterScheduling` of the plan.
   */
  rollout?: pulumi.Input<RolloutArgs>;
}

/** Arguments of `KubeSphereExtension`. */
export interface KubeSphereExtensionArgs extends HostArgs, ExtensionRequestArgs {
  /** Extension name, e.g. `devops` (a DNS-1123 name). The InstallPlan is named after it. */
  name: pulumi.Input<string>;
}

/** Options of `KubeSphereExtension` beyond the standard component options (TypeScript only). */
export interface KubeSphereExtensionOptions extends pulumi.ComponentResourceOptions {
  /** Use this catalog instead of reading the cluster (offline previews, custom sources). */
  catalog?: Catalog;
}

/** Per-cluster readiness as exposed in outputs. */
export interface ClusterStateOutput {
  /** `status.clusterSchedulingStatuses[c].state`. */
  state: string;
  /** Version installed on that cluster. */
  version?: string;
}

/**
 * Internal construction options, keyed by symbols so that they are not part of the public API:
 * the package's provider sets the readiness host, and `KubeSphereExtensionSet` hands its members
 * their share of the set's single resolution.
 * @internal
 */
export const READINESS_HOST = Symbol("kubesphere.readinessHost");
/** @internal */
export const SET_MEMBER = Symbol("kubesphere.setMember");

/** A set's resolution that failed (the set reports the error). @internal */
export interface FailedSet {
  /** The set's resource name. */
  failedSet: string;
}

/** What a set hands a member. @internal */
export interface SetMemberResolution {
  /** The set's resolution, or which set failed. */
  resolution: pulumi.Output<ComponentResolution | FailedSet>;
  /** This member's name in the set. */
  name: string;
  /** The member components this one must be applied after (its required dependencies in the set). */
  after: pulumi.Output<pulumi.Resource[]>;
}

// Child resources are kept out of the class's fields: Pulumi's component analyzer (multi-language
// schema) treats every field as an output and cannot describe these classes.
const children = new WeakMap<KubeSphereExtension, MemberResources>();

/** The `InstallPlan` child resource of an extension (e.g. for `dependsOn` or `pulumi.export`). */
export function installPlanOf(ext: KubeSphereExtension): pulumi.CustomResource {
  return children.get(ext)!.installPlan;
}

/** The readiness child resource of an extension (waits until installed; on removal, uninstalled). */
export function readinessOf(ext: KubeSphereExtension): pulumi.CustomResource {
  return children.get(ext)!.readiness;
}

function parseDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const re = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(re)) {
    matched = true;
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3600 : m[2] === "m" ? n * 60 : m[2] === "s" ? n : n / 1000;
  }
  return matched ? total : undefined;
}

function pick(a: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => a[k] !== undefined).map((k) => [k, a[k]]));
}

/**
 * Whether any of the values is or contains a secret (`config: { password: pulumi.secret(...) }` counts:
 * `pulumi.output` lifts nested secrets to the top). Checked without waiting for unknown values.
 */
function anySecret(values: unknown[]): pulumi.Output<boolean> {
  return pulumi.output(Promise.all(values.map((v) => (v === undefined ? false : pulumi.isSecret(pulumi.output(v)))))
    .then((flags) => flags.some(Boolean)));
}

/** A member's staged rollout: what the readiness resource runs, and the waves (for outputs and policies). */
interface PlannedRollout {
  input?: RolloutInput;
  waves: string[][];
  removalWaves: string[][];
}

/**
 * Plans a staged rollout at preview — validated (an error fails the extension, naming the field) and
 * shown wave by wave in the log; the readiness resource runs it on `up`.
 */
function planMemberRollout(component: pulumi.Resource, resolved: pulumi.Output<ResolvedExtension>, rolloutArg: pulumi.Output<unknown>,
  path: string): pulumi.Output<PlannedRollout> {
  return pulumi.all([resolved, rolloutArg]).apply(([r, arg]) => {
    if (arg === undefined || arg === null) return { waves: [], removalWaves: [] };
    const desired = r.installPlan.spec.clusterScheduling;
    const input: RolloutInput = { rollout: arg, desired: desired ?? {}, targets: r.targetClusters, installationMode: r.installationMode, path };
    try {
      const plan = planRollout({
        name: r.name, ...input, desired, live: r.existingPlan,
        expected: expectedInstallPlan({ plan: r.installPlan, targetClusters: r.targetClusters, previous: r.existingPlan }),
      });
      for (const line of describeRollout(plan)) pulumi.log.info(line, component);
      const of = (kind: string) => plan.waves.filter((w) => w.kind === kind).map((w) => w.clusters);
      return { input, waves: of("apply"), removalWaves: of("remove") };
    } catch (e) {
      if (e instanceof RolloutInputError) throw componentError(`extension ${JSON.stringify(r.name)}: ${e.message}`, component);
      throw e;
    }
  });
}

/**
 * A KubeSphere 4.x extension installed through an `InstallPlan`, validated at preview and awaited
 * until truly installed.
 *
 * Extensions it requires are either installed already, or declared in this program and stated in
 * `dependsOn` (a `KubeSphereExtension` or a `KubeSphereExtensionSet`); this one is then written only
 * after they are ready. Declaring several extensions together? Use `KubeSphereExtensionSet`.
 *
 * ```ts
 * const telemetry = new KubeSphereExtension("whizard-telemetry", { name: "whizard-telemetry", version: "1.2.2" });
 * const monitoring = new KubeSphereExtension("whizard-monitoring", { name: "whizard-monitoring", version: "1.1.1" },
 *   { dependsOn: [telemetry] });
 * ```
 */
export class KubeSphereExtension extends pulumi.ComponentResource {
  /** The extension name. */
  declare public readonly extensionName: pulumi.Output<string>;
  /** The exact version requested (and, once ready, installed). */
  declare public readonly version: pulumi.Output<string>;
  /** Namespace the extension is installed into (`spec.namespace` of the ExtensionVersion or `extension-<name>`). */
  declare public readonly targetNamespace: pulumi.Output<string>;
  /** `HostOnly` or `Multicluster`. */
  declare public readonly installationMode: pulumi.Output<string>;
  /** The `configHash` the controller records for this spec (FNV-1a 64 of the stored config; secret when the config is). */
  declare public readonly configHash: pulumi.Output<string>;
  /** Version installed in the cluster when this run resolved (before any change), if any. */
  declare public readonly installedVersionAtPreview: pulumi.Output<string | undefined>;
  /** Required dependencies that were satisfied by extensions already installed in the cluster. */
  declare public readonly installedDependencies: pulumi.Output<string[]>;
  /** `placement.clusters` of the InstallPlan that existed before this run, if any. */
  declare public readonly previousClusters: pulumi.Output<string[] | undefined>;
  /** Names of the extensions the resolved version requires (`externalDependencies` with `required: true`). */
  declare public readonly requiredDependencies: pulumi.Output<string[]>;
  /** Clusters the agents are scheduled to. */
  declare public readonly targetClusters: pulumi.Output<string[]>;
  /** `status.state` once awaited (`Installed`). */
  declare public readonly state: pulumi.Output<string>;
  /** Version the controller reports installed (`status.version`) once awaited. */
  declare public readonly installedVersion: pulumi.Output<string>;
  /** Name of the helm executor Job of the last operation. */
  declare public readonly jobName: pulumi.Output<string>;
  /** Per-cluster state and version once awaited. */
  declare public readonly clusterStates: pulumi.Output<{ [cluster: string]: ClusterStateOutput }>;
  /** The InstallPlan object as emitted (secret when the config is). */
  declare public readonly installPlanSpec: pulumi.Output<{ [key: string]: any }>;
  /** The member-cluster waves of a staged rollout that add or update clusters, in order (empty without `rollout`). */
  declare public readonly rolloutWaves: pulumi.Output<string[][]>;
  /** The waves of a staged rollout that remove clusters from the placement, in order (empty when none leave). */
  declare public readonly rolloutRemovalWaves: pulumi.Output<string[][]>;

  /**
   * @param name the resource name (children are `<name>-installplan` and `<name>-readiness`).
   * @param args the extension, its values and placement, and where facts come from.
   * @param opts component options; `dependsOn` states the extensions of this program it may rely on.
   */
  constructor(name: string, args: KubeSphereExtensionArgs, opts: KubeSphereExtensionOptions = {}) {
    const { catalog: injectedCatalog, ...componentOpts } = opts;
    const internal = opts as unknown as { [READINESS_HOST]?: ReadinessHost; [SET_MEMBER]?: SetMemberResolution };
    const host: ReadinessHost = internal[READINESS_HOST] ?? "dynamic";
    const member = internal[SET_MEMBER];
    delete (componentOpts as Record<symbol, unknown>)[READINESS_HOST];
    delete (componentOpts as Record<symbol, unknown>)[SET_MEMBER];
    super(EXTENSION_TYPE, name, {}, componentOpts);

    const a = args as unknown as Record<string, unknown>;
    // Plain values for resolution: secrets are unwrapped here, and what derives from the Helm values
    // is made secret again in memberResources.ts.
    const raw = pulumi.unsecret(pulumi.output(a)) as unknown as pulumi.Output<Record<string, unknown>>;
    const stack = `${pulumi.getProject()}/${pulumi.getStack()}`;
    const resolution: pulumi.Output<ComponentResolution> = member
      ? member.resolution.apply((r) => {
        if ("failedSet" in r) {
          throw componentError(`not written: set ${JSON.stringify(r.failedSet)} did not resolve (its error lists every problem)`, this);
        }
        return r;
      })
      : raw.apply(async (plain) => resolveForComponent(this, `extension ${JSON.stringify(typeof plain.name === "string" ? plain.name : name)}`,
        pick(plain, COMMON_ARG_KEYS), [pick(plain, EXTENSION_REQUEST_FIELDS)],
        await declaredInDependsOn(opts.dependsOn, this.getProvider("kubernetes::")), injectedCatalog, stack));
    const resolvedRequest: pulumi.Output<ResolvedExtension> = resolution.apply((r) => {
      const found = member ? r.set.members.find((m) => m.name === member.name) : r.set.members[0];
      if (!found) throw componentError(`extension ${JSON.stringify(member?.name ?? name)} is missing from its resolution`, this);
      const first = claimPlanName(found.installPlan.metadata.name, name, this.getProvider("kubernetes::"));
      if (first !== undefined) {
        throw componentError(`extension ${JSON.stringify(found.name)} is declared twice in this program against the same cluster ` +
          `(components ${JSON.stringify(first)} and ${JSON.stringify(name)}); both would write the InstallPlan ${JSON.stringify(found.name)} ` +
          "and overwrite each other. Declare each extension once.", this);
      }
      return found;
    });
    const common = resolution.apply((r) => r.common);

    const rollout = planMemberRollout(this, resolvedRequest, raw.apply((p) => p.rollout),
      member ? `extensions[${JSON.stringify(member.name)}].rollout` : "rollout");

    // A bad rollout fails the extension like any other resolution problem: nothing is written.
    const resolved: pulumi.Output<ResolvedExtension> = pulumi.all([resolvedRequest, rollout]).apply(([r]) => r);

    const timeoutFromOpts = parseDuration(opts.customTimeouts?.create) ?? parseDuration(opts.customTimeouts?.update);
    const deleteTimeoutFromOpts = parseDuration(opts.customTimeouts?.delete);
    const res = createMemberResources(this, name, resolved,
      anySecret([args.config, args.configYaml, args.clusterScheduling]),
      member ? member.after : (opts.dependsOn ?? []) as pulumi.Input<pulumi.Input<pulumi.Resource>[]>,
      {
        kubeconfig: args.kubeconfig,
        context: args.context,
        timeoutSeconds: common.apply((c) => c.timeoutSeconds ?? timeoutFromOpts ?? DEFAULT_TIMEOUT_SECONDS),
        deleteTimeoutSeconds: common.apply((c) => c.deleteTimeoutSeconds ?? deleteTimeoutFromOpts ?? DEFAULT_TIMEOUT_SECONDS),
        forceDeleteOnDestroy: common.apply((c) => c.forceDeleteOnDestroy ?? false),
        removeWithDependents: common.apply((c) => c.removeWithDependents ?? false),
        retry: raw.apply((p) => (typeof p.retry === "number" ? p.retry : 0)),
        rollout: rollout.apply((ro) => ro.input),
      }, host, args.rollout !== undefined && args.rollout !== null);

    this.extensionName = resolved.apply((r) => r.name);
    this.version = resolved.apply((r) => r.version);
    this.targetNamespace = resolved.apply((r) => r.targetNamespace);
    this.installationMode = resolved.apply((r) => r.installationMode);
    this.configHash = res.configHash;
    this.installedVersionAtPreview = resolved.apply((r) => r.installedVersion);
    this.installedDependencies = resolved.apply((r) => r.dependencies.filter((d) => d.satisfiedBy === "installed").map((d) => d.name));
    this.previousClusters = resolved.apply((r) => r.existingPlan?.spec?.clusterScheduling?.placement?.clusters);
    this.targetClusters = resolved.apply((r) => r.targetClusters);
    this.requiredDependencies = resolved.apply((r) => r.dependencies.filter((d) => d.required).map((d) => d.name));
    this.installPlanSpec = res.installPlanSpec;
    this.rolloutWaves = rollout.apply((ro) => ro.waves);
    this.rolloutRemovalWaves = rollout.apply((ro) => ro.removalWaves);
    this.state = res.readiness.state;
    this.installedVersion = res.readiness.installedVersion;
    this.jobName = res.readiness.jobName;
    this.clusterStates = res.readiness.clusterStates;
    children.set(this, res);

    this.registerOutputs({
      [ComponentOutputs.extensionName]: this.extensionName,
      [ComponentOutputs.version]: this.version,
      [ComponentOutputs.installedVersionAtPreview]: this.installedVersionAtPreview,
      [ComponentOutputs.installedDependencies]: this.installedDependencies,
      [ComponentOutputs.previousClusters]: this.previousClusters,
      targetNamespace: this.targetNamespace,
      installationMode: this.installationMode,
      configHash: this.configHash,
      targetClusters: this.targetClusters,
      requiredDependencies: this.requiredDependencies,
      installPlanSpec: this.installPlanSpec,
      [ComponentOutputs.rolloutWaves]: this.rolloutWaves,
      [ComponentOutputs.rolloutRemovalWaves]: this.rolloutRemovalWaves,
      state: this.state,
      installedVersion: this.installedVersion,
      jobName: this.jobName,
      clusterStates: this.clusterStates,
    });
  }
}
