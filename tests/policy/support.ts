/**
 * Test support for the policy pack, in the style of pulumi-policy-aws `src/tests/util.ts`: build the
 * arguments the policy server would pass, run a policy directly, and collect its violations.
 *
 * Props are wrapped in the real `unknownCheckingProxy` of `@pulumi/policy`, exactly as the server
 * wraps them, so a test sees the same behaviour as `pulumi preview`: reading an unknown value throws
 * `UnknownValueError` (which the server reports as an advisory "can't run policy during preview").
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { COMPONENT_TYPE, INSTALLPLAN_TYPE } from "../../components/kubesphere/annotations";
import type { ExtensionVersion } from "../../components/kubesphere/types";
import { buildInstallPlan } from "../../components/resolve/installPlan";
import { CATALOG_DIR } from "../support/sharedFixture";

/** The runtime exports of `@pulumi/policy/proxy` (its `.d.ts` declares none). */
interface PolicyProxyModule {
  unknownCheckingProxy<T extends object>(o: T): T;
  UnknownValueError: new (...a: unknown[]) => Error;
  unknownStringValue: string;
  unknownArrayValue: string;
  unknownObjectValue: string;
  unknownBooleanValue: string;
}
export const policyProxy = require("@pulumi/policy/proxy") as PolicyProxyModule;

/** The preview sentinel for an unknown string (what the engine sends for a not-yet-known input). */
export const UNKNOWN = policyProxy.unknownStringValue;

const catalogCache = new Map<string, ExtensionVersion[]>();

/** The ExtensionVersion `<extension>-<version>` from the shared catalog fixture; throws if absent. */
export function extensionVersion(extension: string, version: string): ExtensionVersion {
  let versions = catalogCache.get(extension);
  if (versions === undefined) {
    const file = path.join(CATALOG_DIR, `${extension}.yaml`);
    if (!fs.existsSync(file)) {
      throw new Error(`catalog fixture ${file} not found (shared/ must sit beside the repository)`);
    }
    versions = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"))
      .map((d) => d.toJS() as { kind?: string })
      .filter((o): o is ExtensionVersion => o?.kind === "ExtensionVersion");
    catalogCache.set(extension, versions);
  }
  const found = versions.find((v) => v.metadata.name === `${extension}-${version}`);
  if (!found) throw new Error(`no ExtensionVersion ${extension}-${version} in the catalog fixture`);
  return found;
}

/** Options for {@link installPlanFor}. */
export interface PlanOptions {
  /** Placed clusters; when given, `clusterScheduling.placement.clusters` is set. */
  clusters?: string[];
  /** Per-cluster override YAML. */
  overrides?: Record<string, string>;
  /** Helm values YAML text. */
  config?: string;
}

/**
 * A compliant InstallPlan for a real ExtensionVersion of the catalog, built by the component's own
 * `buildInstallPlan` (so the fixture is exactly what `KubeSphereExtension` emits): named after the
 * extension, `enabled: true`, `upgradeStrategy: Manual`, the installation-mode and
 * required-dependencies annotations taken from the ExtensionVersion. Returns a fresh plain object.
 */
export function installPlanFor(ev: ExtensionVersion, opts: PlanOptions = {}): Record<string, any> {
  const name = ev.metadata.labels?.["kubesphere.io/extension-ref"] as string;
  const plan = buildInstallPlan({
    name,
    version: ev.spec.version as string,
    enabled: true,
    upgradeStrategy: "Manual",
    config: opts.config,
    clusterScheduling: opts.clusters === undefined ? undefined : { clusters: opts.clusters, overrides: opts.overrides },
    installationMode: ev.spec.installationMode ?? "HostOnly",
    requiredDependencies: (ev.spec.externalDependencies ?? [])
      .filter((d) => d.required)
      .map((d) => ({ name: d.name, version: d.version })),
  });
  return structuredClone(plan) as unknown as Record<string, any>;
}

/** Resource options with every setting at its default, as the engine sends them for a plain resource. */
export const emptyOptions: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

/** Thrown by `notApplicable` in hand-built args, as the server's NotApplicableError is. */
export class NotApplicable extends Error {}

/** A URN the way the engine forms it for a component child. */
export function urnFor(type: string, name: string, parentType?: string): string {
  return `urn:pulumi:dev::policy-tests::${parentType ? `${parentType}$` : ""}${type}::${name}`;
}

/**
 * `ResourceValidationArgs` for an InstallPlan (or `type`), props wrapped in `unknownCheckingProxy`.
 *
 * @param props the resource inputs (used as is; build a fresh object per test)
 * @param config what `getConfig()` returns
 */
export function resourceArgs(
  props: Record<string, any>,
  config: object = {},
  { name = "devops", type = INSTALLPLAN_TYPE }: { name?: string; type?: string } = {},
): ResourceValidationArgs {
  const proxied = policyProxy.unknownCheckingProxy(props);
  return {
    type,
    props: proxied,
    urn: urnFor(type, name, COMPONENT_TYPE),
    name,
    opts: emptyOptions,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

/** Runs every validation of a resource policy; returns the violation messages. */
export async function runResourcePolicy(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<string[]> {
  const messages: string[] = [];
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const validate of validations) {
    if (validate) await validate(args, (message) => messages.push(message));
  }
  return messages;
}

/** A stack resource for `StackValidationArgs`; wire `parent`/`dependencies` afterwards or via options. */
export function policyResource(
  type: string,
  name: string,
  props: Record<string, any>,
  opts: { parent?: PolicyResource; dependencies?: PolicyResource[]; provider?: string } = {},
): PolicyResource {
  const urn = urnFor(type, name, opts.parent?.type);
  return {
    type,
    name,
    urn,
    props: policyProxy.unknownCheckingProxy(props),
    opts: { ...emptyOptions, parent: opts.parent?.urn },
    parent: opts.parent,
    dependencies: opts.dependencies ?? [],
    propertyDependencies: {},
    provider: opts.provider === undefined
      ? undefined
      : { type: "pulumi:providers:kubernetes", name: opts.provider, urn: `urn:pulumi:dev::policy-tests::pulumi:providers:kubernetes::${opts.provider}`, props: {} },
    isType: () => false,
    asType: () => undefined,
  };
}

/** A `KubeSphereExtension` component (props = its registered outputs) with its InstallPlan child. */
export function extensionInStack(
  name: string,
  plan: Record<string, any>,
  outputs: Record<string, any> = {},
  opts: { dependencies?: PolicyResource[]; provider?: string } = {},
): { component: PolicyResource; plan: PolicyResource } {
  const component = policyResource(COMPONENT_TYPE, name, { extensionName: name, ...outputs });
  const planResource = policyResource(INSTALLPLAN_TYPE, `${name}-installplan`, plan, { parent: component, ...opts });
  return { component, plan: planResource };
}

/** `StackValidationArgs` over the given resources. */
export function stackArgs(resources: PolicyResource[], config: object = {}): StackValidationArgs {
  return {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

/** Runs a stack policy; returns `{message, urn}` for each violation. */
export async function runStackPolicy(
  policy: StackValidationPolicy,
  args: StackValidationArgs,
): Promise<Array<{ message: string; urn?: string }>> {
  const out: Array<{ message: string; urn?: string }> = [];
  await policy.validateStack(args, (message, urn) => out.push({ message, urn }));
  return out;
}

/** Resolves when `run` rejects/throws with the policy library's `UnknownValueError`; fails otherwise. */
export async function expectUnknownValueError(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (e) {
    if (e instanceof policyProxy.UnknownValueError) return e;
    throw new Error(`expected UnknownValueError, got ${String(e)}`);
  }
  throw new Error("expected UnknownValueError (the policy must not pass on an unknown value), but it completed");
}
