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
import * as k8s from "@pulumi/kubernetes";
import type { Catalog } from "./catalog/catalog";
import { LiveCatalog } from "./catalog/liveCatalog";
import { loadCatalogSource } from "./catalog/museumIndex";
import { ComponentOutputs } from "./kubesphere/annotations";
import { fnv1a64Hex } from "./config/configHash";
import type { InstallPlan } from "./kubesphere/types";
import {
  afterDeclarations, checkCycles, declareExtension, DeclaredExtension, declaredVersions, findDeclared, providerGroupKey,
} from "./programRegistry";
import { ExtensionResolutionError } from "./resolve/errors";
import type { ExtensionRequest } from "./resolve/request";
import { resolveExtension, ResolvedExtension } from "./resolve/resolve";
import { DependencyCycleError } from "./graph/dependencyGraph";
import { ProgressReporter, reportProgress } from "./readinessGlue";
import { InstallPlanReadiness } from "./readiness/dynamicReadiness";
import { expectedInstallPlan } from "./readiness/expected";
import type { ExpectedInstallPlan } from "./readiness/assess";

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
}

/** Arguments of `KubeSphereExtension`. */
export interface KubeSphereExtensionArgs {
  /** Extension name, e.g. `devops` (a DNS-1123 name). The InstallPlan is named after it. */
  name: pulumi.Input<string>;
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
   * Seconds to wait for the extension to be installed. Defaults to the `customTimeouts` option
   * (create/update), else 900 (Helm's own timeout is 10 minutes, plus chart download).
   */
  timeoutSeconds?: pulumi.Input<number>;
}

/** Options of `KubeSphereExtension` beyond the standard component options (TypeScript only). */
export interface KubeSphereExtensionOptions extends pulumi.ComponentResourceOptions {
  /** Use this catalog instead of reading the cluster (tests, offline previews, custom sources). */
  catalog?: Catalog;
  /**
   * Replaces the in-program progress reporter (tests). The authoritative wait is the
   * `InstallPlanReadiness` child resource; the reporter only shows state changes in `pulumi up`.
   */
  progressReporter?: ProgressReporter;
}

/** Per-cluster readiness as exposed in outputs. */
export interface ClusterStateOutput {
  /** `status.clusterSchedulingStatuses[c].state`. */
  state: string;
  /** Version installed on that cluster. */
  version?: string;
}

const DEFAULT_TIMEOUT_SECONDS = 900;

// Child resources are kept out of the class's fields: Pulumi's component analyzer (multi-language
// schema) treats every field as an output and cannot describe these classes.
const children = new WeakMap<KubeSphereExtension, { installPlan: k8s.apiextensions.CustomResource; readiness: InstallPlanReadiness }>();

/** The `InstallPlan` child resource of an extension (e.g. for `dependsOn` or `pulumi.export`). */
export function installPlanOf(ext: KubeSphereExtension): k8s.apiextensions.CustomResource {
  return children.get(ext)!.installPlan;
}

/** The readiness child resource of an extension (waits until installed; on removal, uninstalled). */
export function readinessOf(ext: KubeSphereExtension): InstallPlanReadiness {
  return children.get(ext)!.readiness;
}

/**
 * The value of an Output, or `undefined` while it is unknown (a preview whose inputs come from
 * resources not created yet). `apply` callbacks never run on unknown values, so a promise fed only
 * from `apply` would never settle and every component waiting on it would hang.
 */
function settled<T>(o: pulumi.Output<T>): Promise<T | undefined> {
  const impl = o as unknown as { isKnown: Promise<boolean>; promise(): Promise<T> };
  return impl.isKnown.then((known) => (known ? impl.promise() : undefined));
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

/** The plain inputs after Outputs resolved. @internal */
export interface PlainExtensionInputs {
  request: ExtensionRequest;
  kubeconfig?: string;
  context?: string;
  catalogPaths?: string[];
  installedExtensions?: Record<string, string>;
  clusterNames?: string[];
  ksVersion?: string;
  kubeVersion?: string;
  timeoutSeconds?: number;
}

/** Chooses where facts come from. @internal */
export function chooseCatalog(inputs: PlainExtensionInputs, injected: Catalog | undefined): Catalog {
  if (injected) return injected;
  if (inputs.catalogPaths && inputs.catalogPaths.length > 0) {
    // YAML objects and/or extensions-museum `index.yaml` files (air-gapped previews).
    const { catalog, warnings } = loadCatalogSource(inputs.catalogPaths, {
      ksVersion: inputs.ksVersion, kubeVersion: inputs.kubeVersion,
      installed: inputs.installedExtensions, clusters: inputs.clusterNames,
    });
    for (const w of warnings) pulumi.log.warn(w);
    return catalog;
  }
  return LiveCatalog.shared({ kubeconfig: inputs.kubeconfig, context: inputs.context });
}

/**
 * A KubeSphere 4.x extension installed through an `InstallPlan`, validated at preview and awaited
 * until truly installed.
 *
 * ```ts
 * const devops = new KubeSphereExtension("devops", { name: "devops", version: "1.1.2",
 *   config: { agent: { jenkins: { enabled: true } } } }, { provider });
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
  /** The `configHash` the controller records for this spec (FNV-1a 64 of the stored config). */
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
  /** The InstallPlan object as emitted. */
  declare public readonly installPlanSpec: pulumi.Output<{ [key: string]: any }>;

  constructor(name: string, args: KubeSphereExtensionArgs, opts: KubeSphereExtensionOptions = {}) {
    const { catalog: injectedCatalog, progressReporter, ...componentOpts } = opts;
    super("kubesphere:index:KubeSphereExtension", name, {}, componentOpts);

    const provider = this.getProvider("kubernetes::") as pulumi.ProviderResource | undefined;
    const group = providerGroupKey(provider);

    // Everything resolved from inputs; the kubeconfig is unwrapped here but the result is not
    // derived from it, so it is explicitly not secret.
    const plainInputs: pulumi.Output<PlainExtensionInputs> = pulumi.unsecret(pulumi.output({
      name: args.name, version: args.version, enabled: args.enabled, upgradeStrategy: args.upgradeStrategy,
      config: args.config, configYaml: args.configYaml, clusterScheduling: args.clusterScheduling,
      allowDowngrade: args.allowDowngrade, retry: args.retry, kubeconfig: args.kubeconfig, context: args.context,
      catalogPaths: args.catalogPaths, installedExtensions: args.installedExtensions, clusterNames: args.clusterNames,
      ksVersion: args.ksVersion, kubeVersion: args.kubeVersion, timeoutSeconds: args.timeoutSeconds,
    }).apply((a) => ({
      request: {
        name: a.name, version: a.version, enabled: a.enabled, upgradeStrategy: a.upgradeStrategy,
        config: a.config, configYaml: a.configYaml, allowDowngrade: a.allowDowngrade, retry: a.retry,
        clusterScheduling: a.clusterScheduling as ExtensionRequest["clusterScheduling"],
      },
      kubeconfig: a.kubeconfig, context: a.context, catalogPaths: a.catalogPaths,
      installedExtensions: a.installedExtensions, clusterNames: a.clusterNames,
      ksVersion: a.ksVersion, kubeVersion: a.kubeVersion, timeoutSeconds: a.timeoutSeconds,
    })));

    // Registered with the program so that other extensions can be ordered after this one.
    let resolveName!: (v: string | undefined) => void;
    let resolveVersion!: (v: string | undefined) => void;
    let resolveRequires!: (v: string[]) => void;
    const self: DeclaredExtension = {
      name: new Promise((r) => (resolveName = r)),
      version: new Promise((r) => (resolveVersion = r)),
      requires: new Promise((r) => (resolveRequires = r)),
      resource: this,
    };
    declareExtension(group, self);
    // Settled even when unknown (preview with values from other resources): nobody may wait for ever.
    settled(pulumi.output(args.name)).then(resolveName, () => resolveName(undefined));
    settled(pulumi.output(args.version)).then(resolveVersion, () => resolveVersion(undefined));
    settled(plainInputs).then((v) => { if (v === undefined) resolveRequires([]); }, () => resolveRequires([]));

    const fail = (e: unknown): never => {
      resolveRequires([]);
      if (e instanceof ExtensionResolutionError || e instanceof DependencyCycleError) {
        throw new pulumi.ResourceError(e.message, this, true);
      }
      throw new pulumi.ResourceError(`could not resolve the extension: ${(e as Error)?.message ?? e}`, this, true);
    };

    const resolved: pulumi.Output<ResolvedExtension> = plainInputs.apply(async (inputs) => {
      try {
        await afterDeclarations();
        const catalog = chooseCatalog(inputs, injectedCatalog);
        const declared = await declaredVersions(group, self);
        const r = await resolveExtension(catalog, inputs.request, {
          declared, ksVersion: inputs.ksVersion, kubeVersion: inputs.kubeVersion,
          stack: `${pulumi.getProject()}/${pulumi.getStack()}`,
        });
        resolveRequires(r.dependencies.filter((d) => d.required).map((d) => d.name));
        await checkCycles(group, self);
        for (const w of r.warnings) pulumi.log.warn(w, this);
        return r;
      } catch (e) {
        return fail(e);
      }
    });

    // Declared dependencies are applied first: depending on their components means depending on their
    // InstallPlan and InstallPlanReadiness children, so this plan is written only once they are READY.
    const dependsOn: Promise<pulumi.Resource[]> = settled(resolved).then(async (r) => {
      const deps: pulumi.Resource[] = [];
      for (const d of (r?.dependencies ?? []).filter((x) => x.satisfiedBy === "declared")) {
        const entry = await findDeclared(group, d.name, self);
        if (entry) deps.push(entry.resource);
      }
      return deps;
    });
    dependsOn.catch(() => undefined);

    const planObject: pulumi.Output<InstallPlan> = resolved.apply((r) => r.installPlan);
    const installPlan = new k8s.apiextensions.CustomResource(`${name}-installplan`, {
      apiVersion: "kubesphere.io/v1alpha1",
      kind: "InstallPlan",
      metadata: planObject.apply((p) => ({ name: p.metadata.name, annotations: p.metadata.annotations })),
      spec: planObject.apply((p) => p.spec),
    }, {
      parent: this,
      dependsOn: dependsOn as unknown as pulumi.Input<pulumi.Input<pulumi.Resource>[]>,
      // The plan's name is fixed (it must equal the extension name), so a replacement must delete first.
      deleteBeforeReplace: true,
    });

    // Readiness: the authoritative wait is a child resource (so `dependsOn: [thisComponent]` means
    // "after it is ready", and removal waits for the uninstall with its cause); a best-effort watcher
    // in the program shows each state change in `pulumi up`.
    const timeoutFromOpts = parseDuration(opts.customTimeouts?.create) ?? parseDuration(opts.customTimeouts?.update);
    const deleteTimeoutFromOpts = parseDuration(opts.customTimeouts?.delete);
    const expected: pulumi.Output<ExpectedInstallPlan> = resolved.apply((r) => expectedInstallPlan({
      plan: r.installPlan, targetClusters: r.targetClusters, previous: r.existingPlan,
    }));
    const timeoutSeconds = plainInputs.apply((i) => i.timeoutSeconds ?? timeoutFromOpts ?? DEFAULT_TIMEOUT_SECONDS);
    const readiness = new InstallPlanReadiness(`${name}-readiness`, {
      planName: installPlan.metadata.name,
      expected,
      kubeconfig: args.kubeconfig,
      context: args.context,
      timeoutSeconds,
      deleteTimeoutSeconds: pulumi.output(args.deleteTimeoutSeconds).apply((d) => d ?? deleteTimeoutFromOpts ?? DEFAULT_TIMEOUT_SECONDS),
      forceDeleteOnDestroy: args.forceDeleteOnDestroy,
      retry: args.retry,
      specHash: planObject.apply((p) => fnv1a64Hex(JSON.stringify(p.spec))),
    }, { parent: this, dependsOn: [installPlan] });

    if (!pulumi.runtime.isDryRun()) {
      const reporter = progressReporter ?? reportProgress;
      pulumi.all([resolved, plainInputs, expected, timeoutSeconds, installPlan.metadata]).apply(
        async ([r, inputs, exp, t]) => {
          await reporter({
            planName: r.installPlan.metadata.name, expected: exp, kubeconfig: inputs.kubeconfig, context: inputs.context,
            timeoutSeconds: t, log: (msg) => pulumi.log.info(msg, this),
          }).catch(() => undefined); // the readiness resource reports failures
        });
    }

    this.extensionName = resolved.apply((r) => r.name);
    this.version = resolved.apply((r) => r.version);
    this.targetNamespace = resolved.apply((r) => r.targetNamespace);
    this.installationMode = resolved.apply((r) => r.installationMode);
    this.configHash = resolved.apply((r) => r.configHash);
    this.installedVersionAtPreview = resolved.apply((r) => r.installedVersion);
    this.installedDependencies = resolved.apply((r) => r.dependencies.filter((d) => d.satisfiedBy === "installed").map((d) => d.name));
    this.previousClusters = resolved.apply((r) => r.existingPlan?.spec?.clusterScheduling?.placement?.clusters);
    this.targetClusters = resolved.apply((r) => r.targetClusters);
    this.requiredDependencies = resolved.apply((r) => r.dependencies.filter((d) => d.required).map((d) => d.name));
    this.installPlanSpec = planObject.apply((p) => p as unknown as { [key: string]: any });
    this.state = readiness.state;
    this.installedVersion = readiness.installedVersion;
    this.jobName = readiness.jobName;
    this.clusterStates = readiness.clusterStates;
    children.set(this, { installPlan, readiness });

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
      state: this.state,
      installedVersion: this.installedVersion,
      jobName: this.jobName,
      clusterStates: this.clusterStates,
    });
  }
}
