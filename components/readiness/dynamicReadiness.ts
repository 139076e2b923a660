/**
 * `InstallPlanReadiness`: a Pulumi dynamic resource whose create/update wait until an InstallPlan
 * shows exactly the applied spec installed, failing fast with the controller's cause. Type token
 * `pulumi-nodejs:dynamic/kubesphere:InstallPlanReadiness`.
 *
 * ## How the provider code reaches the provider process
 *
 * Pulumi serializes the provider object with its closure serializer and runs it in a separate
 * process, started by the engine in the program's directory. The methods below are deliberately
 * tiny: each `require()`s the compiled runtime module through the package's export
 * `@kubesphere-ext/pulumi-kubesphere/readiness-runtime`, resolved from the provider process (the
 * project's `node_modules`) — so the state holds no path of this machine, and a state moved to
 * another machine still works where the package is installed. If it cannot be found, the error
 * says to install the package in the Pulumi project. Programs in other languages never use this
 * resource: the package's provider serves `kubesphere:index:InstallPlanReadiness` instead
 * (provider/readinessResource.ts). Changes to the runtime module do not trigger a diff (a dynamic
 * provider's diff does not react to provider code).
 *
 * ## Delete, and why the order matters
 *
 * The readiness resource depends on the InstallPlan, so Pulumi deletes it **before** the plan.
 *
 * * Always first, the removal guard (docs/readiness.md "Removal guard"): when other installed
 *   extensions still require this one, `delete` throws naming them — which also stops the plan's
 *   deletion — unless `removeWithDependents`.
 * * `deleteTimeoutSeconds` unset (default): `delete` does nothing more. The Kubernetes provider then
 *   deletes the plan and waits for its finalizer (it ignores `skipAwait` for CR deletes), bounded by
 *   the plan's `customTimeouts.delete`; a stuck uninstall ends with its generic timeout.
 * * `deleteTimeoutSeconds` set: `delete` owns the uninstall. It sends the DELETE itself (with the
 *   `kubesphere.io/force-delete` annotation first when `forceDeleteOnDestroy`), then waits until the
 *   plan is gone, failing with `UninstallFailed` + the uninstall Job's log, or at once when the
 *   plan's ExtensionVersion is missing so the deletion can never run (docs/kubesphere-behavior.md §5). The Kubernetes
 *   provider's delete then finds the plan gone, which it treats as deleted.
 *   Hazard: removing this resource from a program while keeping the plan would uninstall the
 *   extension. `diff` therefore never asks for a replacement (a replace would run `delete`), and the
 *   component must create and remove the two together.
 *
 * The engine gives `delete` only the resource's **outputs**, so the outputs carry the inputs,
 * including the kubeconfig as a secret output (encrypted in the state like any Pulumi secret):
 * without it, `delete` would fall back to the default kubeconfig and could reach another cluster.
 * As a second guard, `delete` acts only if its kubeconfig points at the API server the wait used
 * (`clusterServer`), and it steps aside (leaving the deletion to the Kubernetes provider) when it has
 * no usable kubeconfig or no permission — see `awaitDeleted` in providerRuntime.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ExpectedInstallPlan } from "./assess";
import type { ReadinessOutputs, ReadinessProviderInputs, ReadinessProviderState } from "./providerRuntime";

/** The runtime module as the package exports it (package.json `exports`). */
const RUNTIME_PACKAGE_PATH = "@kubesphere-ext/pulumi-kubesphere/readiness-runtime";

/**
 * Input properties whose change is an update (a re-check of the wait, immediate when the plan is
 * already ready). The kubeconfig is among them so that rotated credentials replace the copy that
 * `delete` will use.
 */
export const READINESS_DIFF_KEYS = ["planName", "expected", "specHash", "kubeconfig", "context", "timeoutSeconds", "deleteTimeoutSeconds",
  "forceDeleteOnDestroy", "removeWithDependents", "rollout"] as const;

/** The preview-time placeholder for unknown values inside dynamic-provider inputs. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Stable JSON (sorted keys) for comparing inputs. */
function stableJson(v: unknown): string {
  if (v === undefined) return "undefined";
  return JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x));
}

/** Problems with provider inputs (pure; used by `check`). Unknown (preview) values are not judged. */
export function checkReadinessInputs(news: Record<string, unknown>): Array<{ property: string; reason: string }> {
  const failures: Array<{ property: string; reason: string }> = [];
  const known = (v: unknown) => v !== UNKNOWN;
  if (known(news.planName) && (typeof news.planName !== "string" || news.planName === "")) {
    failures.push({ property: "planName", reason: "planName must be a non-empty string (the InstallPlan's metadata.name)" });
  }
  const e = news.expected as Partial<ExpectedInstallPlan> | undefined;
  if (known(e)) {
    if (!e || typeof e !== "object") failures.push({ property: "expected", reason: "expected must be an object {name, version, configHash, enabled, clusters?, removedClusters?}" });
    else {
      for (const k of ["name", "version", "configHash"] as const) {
        if (known(e[k]) && (typeof e[k] !== "string" || e[k] === "")) failures.push({ property: `expected.${k}`, reason: `expected.${k} must be a non-empty string` });
      }
      if (known(e.configHash) && typeof e.configHash === "string" && !/^[0-9a-f]{16}$/.test(e.configHash)) {
        failures.push({ property: "expected.configHash", reason: `expected.configHash must be 16 lower-case hex digits (FNV-1a 64 of the stored config), got ${JSON.stringify(e.configHash)}` });
      }
      if (known(e.enabled) && typeof e.enabled !== "boolean") failures.push({ property: "expected.enabled", reason: "expected.enabled must be a boolean" });
    }
  }
  for (const k of ["timeoutSeconds", "deleteTimeoutSeconds"] as const) {
    const v = news[k];
    if (v === undefined && k === "deleteTimeoutSeconds") continue;
    if (known(v) && (typeof v !== "number" || !(v > 0) || !Number.isFinite(v))) failures.push({ property: k, reason: `${k} must be a positive number of seconds, got ${JSON.stringify(v)}` });
  }
  // Guards of the uninstall: a string "true" must not pass for a boolean (stack config gives strings).
  for (const k of ["forceDeleteOnDestroy", "removeWithDependents"] as const) {
    const v = news[k];
    if (v !== undefined && v !== null && known(v) && typeof v !== "boolean") {
      failures.push({ property: k, reason: `${k} must be true or false, got ${JSON.stringify(v)}` });
    }
  }
  return failures;
}

/**
 * The part of an expectation that describes the *spec* (what was applied), without the parts that
 * describe the *observation* it was derived from: per-cluster hash snapshots (`configHash` /
 * `mustDifferFrom` of override clusters are read from the live plan before applying, so they move
 * after every successful run) and `removedClusters` (gone once removed). Comparing only this keeps a
 * re-run with no change a no-op; a change of the overrides themselves is caught by `specHash`.
 */
export function specOfExpectation(e: unknown): unknown {
  if (!e || typeof e !== "object") return e;
  const { removedClusters: _removed, clusters, ...rest } = e as ExpectedInstallPlan;
  return { ...rest, clusters: clusters === undefined ? undefined : Object.keys(clusters).sort() };
}

/** Which diff keys differ between `olds` and `news` (pure; used by `diff`). */
export function changedReadinessKeys(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return READINESS_DIFF_KEYS.filter((k) => k === "expected"
    ? stableJson(specOfExpectation(olds[k])) !== stableJson(specOfExpectation(news[k]))
    : stableJson(olds[k]) !== stableJson(news[k]));
}

/**
 * The provider object. Exported so tests can call `create`/`update`/`delete` directly (the engine
 * never calls them under mocks). `check` and `diff` are pure and serialized with their helpers;
 * `create`/`update`/`delete` load the runtime module at call time (module comment).
 */
export const installPlanReadinessProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { inputs: news, failures: checkReadinessInputs(news) };
  },
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    // Never a replacement: a replace would run `delete`, which may uninstall (module comment).
    return { changes: changedReadinessKeys(olds, news).length > 0, replaces: [], deleteBeforeReplace: false };
  },
  // The engine hands `diff` the previous *outputs* as `olds` and `delete` only the outputs, so the
  // outputs echo the inputs next to what the wait observed — including the kubeconfig, which
  // `delete` needs to reach the same cluster; it is a secret output (`additionalSecretOutputs`).
  // Progress lines go to the engine's log of the component (`logUrn`), from this same wait.
  async create(inputs: ReadinessProviderInputs & { logUrn?: string }) {
    const rt = require(runtimeModulePath()) as typeof import("../provider/dynamicRuntime");
    const outs: ReadinessOutputs = await rt.awaitReady(inputs, { onProgress: rt.progressTo(inputs.logUrn) }).catch((e) => { throw rt.withoutStack(e); });
    return { id: inputs.planName, outs: { ...inputs, ...outs } };
  },
  async update(_id: string, _olds: ReadinessProviderState, news: ReadinessProviderInputs & { logUrn?: string }) {
    const rt = require(runtimeModulePath()) as typeof import("../provider/dynamicRuntime");
    const outs: ReadinessOutputs = await rt.awaitReady(news, { onProgress: rt.progressTo(news.logUrn) }).catch((e) => { throw rt.withoutStack(e); });
    return { outs: { ...news, ...outs } };
  },
  async delete(_id: string, props: ReadinessProviderState & { logUrn?: string }) {
    const rt = require(runtimeModulePath()) as typeof import("../provider/dynamicRuntime");
    await rt.awaitDeleted(props, { onProgress: rt.progressTo(props.logUrn) }).catch((e) => { throw rt.withoutStack(e); });
  },
};

/**
 * The path to `require` for the runtime module. In this process (the object itself, used directly by
 * tests and tools) it is the sibling module; in the dynamic-provider process, where `require` is the
 * host's, it is the package export resolved from the project's `node_modules` (then from the working
 * directory). Serialized by value with the provider (it only captures strings).
 */
function runtimeModulePath(): string {
  const tried: string[] = [];
  for (const [request, paths] of [["../provider/dynamicRuntime", undefined], [RUNTIME_PACKAGE_PATH, undefined], [RUNTIME_PACKAGE_PATH, [process.cwd()]]] as const) {
    try {
      return require.resolve(request, paths ? { paths: [...paths] } : undefined);
    } catch (e) {
      tried.push((e as Error).message.split("\n")[0]);
    }
  }
  throw new Error(`InstallPlanReadiness provider: cannot load ${RUNTIME_PACKAGE_PATH} (${tried.slice(1).join("; ")}). ` +
    "Install @kubesphere-ext/pulumi-kubesphere in the Pulumi project's node_modules.");
}

/** Arguments of {@link InstallPlanReadiness}. */
export interface InstallPlanReadinessArgs {
  /** `metadata.name` of the InstallPlan to await (pass the plan resource's output so the dependency is explicit). */
  planName: pulumi.Input<string>;
  /** What the plan must show once the controller has acted on the applied spec. */
  expected: pulumi.Input<ExpectedInstallPlan>;
  /**
   * Kubeconfig YAML of the host cluster. Stored only as a secret (input, and output for `delete`). When
   * absent, the provider process loads the default kubeconfig (`KUBECONFIG`, `~/.kube/config`, or
   * in-cluster) of the Pulumi CLI's environment.
   */
  kubeconfig?: pulumi.Input<string>;
  /** Kubeconfig context to use; defaults to the kubeconfig's current context. */
  context?: pulumi.Input<string>;
  /** Seconds to wait for readiness before failing with the last state seen. */
  timeoutSeconds: pulumi.Input<number>;
  /**
   * When set, deleting this resource deletes the InstallPlan itself and waits this many seconds
   * for the uninstall, with diagnostics (see the module comment). Unset: delete is a no-op and the
   * Kubernetes provider's own delete-await applies.
   */
  deleteTimeoutSeconds?: pulumi.Input<number>;
  /** With `deleteTimeoutSeconds`: add `kubesphere.io/force-delete` before deleting (uninstall without hooks). Defaults to false. */
  forceDeleteOnDestroy?: pulumi.Input<boolean>;
  /** On removal, uninstall even though other installed extensions require this one. Defaults to false (refused, dependents named). */
  removeWithDependents?: pulumi.Input<boolean>;
  /** A staged rollout to run before the wait (components/rollout); this resource then owns the plan's placement. */
  rollout?: pulumi.Input<unknown>;
  /** URN whose engine log receives the wait's progress lines (the component's). Not compared by `diff`. */
  logUrn?: pulumi.Input<string>;
  /** The component's current `retry` value, so failure messages name the next value to set. */
  retry?: pulumi.Input<number>;
  /**
   * A digest of the applied InstallPlan spec (e.g. FNV-1a of its JSON). Any change re-runs the wait;
   * it catches changes that the stable part of `expected` does not show (per-cluster overrides).
   */
  specHash?: pulumi.Input<string>;
}

/** What a readiness resource outputs (both the dynamic one and the provider's, provider/readinessResource.ts). */
export interface InstallPlanReadinessOutputs {
  /** `status.state` once ready (`Installed`). */
  readonly state: pulumi.Output<string>;
  /** `status.version` once ready. */
  readonly installedVersion: pulumi.Output<string>;
  /** `status.targetNamespace`. */
  readonly targetNamespace: pulumi.Output<string>;
  /** `status.jobName` of the last executor Job. */
  readonly jobName: pulumi.Output<string>;
  /** Per expected cluster: `{state, version}`. */
  readonly clusterStates: pulumi.Output<Record<string, { state: string; version?: string }>>;
  /** URL of the API server the wait used (deletion acts only against the same one). */
  readonly clusterServer: pulumi.Output<string>;
}

/**
 * The registered properties of a readiness resource: the arguments with the kubeconfig as a secret,
 * and the outputs asked for. @internal
 */
export function readinessResourceProps(args: InstallPlanReadinessArgs): pulumi.Inputs {
  return {
    ...args,
    kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig),
    state: undefined, installedVersion: undefined, targetNamespace: undefined, jobName: undefined, clusterStates: undefined,
    clusterServer: undefined,
  };
}

/** Resource options of a readiness resource: the kubeconfig output (echoed for `delete`) is secret. @internal */
export function readinessResourceOptions(opts?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "kubeconfig"] };
}

/**
 * Waits, on `pulumi up`, until an InstallPlan is truly ready for the applied spec
 * (docs/readiness.md), and fails fast with the controller's cause, the executor log tail and how to retry.
 * Preview does not wait (dynamic create/update never run in preview); outputs are unknown then.
 *
 * @example
 * const readiness = new InstallPlanReadiness(`${name}-readiness`, {
 *   planName: plan.metadata.name, expected, kubeconfig, timeoutSeconds: 600,
 * }, { parent: this, dependsOn: [plan] });
 */
export class InstallPlanReadiness extends pulumi.dynamic.Resource {
  /**
   * @param name logical name (e.g. `${component}-readiness`).
   * @param args see {@link InstallPlanReadinessArgs}.
   * @param opts resource options; pass `dependsOn: [installPlan]` (or use the plan's outputs in `args`).
   */
  constructor(name: string, args: InstallPlanReadinessArgs, opts?: pulumi.CustomResourceOptions) {
    super(installPlanReadinessProvider, name, readinessResourceProps(args), readinessResourceOptions(opts), "kubesphere", "InstallPlanReadiness");
  }
}
// The outputs are declared once, for both readiness resources (declaration merging; no class fields).
export interface InstallPlanReadiness extends InstallPlanReadinessOutputs {}
