/**
 * What the policies know about an InstallPlan as Pulumi hands it to them, and the phrasing every
 * message shares.
 *
 * Policies see InstallPlans in two ways: the component's child (`KubeSphereExtension`) and a raw
 * `k8s.apiextensions.CustomResource` (or a YAML manifest) written by hand. Both register the type
 * token `kubernetes:kubesphere.io/v1alpha1:InstallPlan`, so every check keys on that token and treats
 * every field as optional: a hand-written plan can omit anything.
 *
 * Unknown values: the policy server wraps `props` in `unknownCheckingProxy`, so reading a value that
 * is unknown during preview throws `UnknownValueError`, which the server reports as an advisory
 * "can't run policy … during preview". Helpers here therefore read only the fields a check needs, and
 * never catch that error.
 */
import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import {
  ANNOTATION_INSTALLATION_MODE,
  ANNOTATION_REQUIRED_DEPENDENCIES,
  COMPONENT_TYPE,
  INSTALLPLAN_TYPE,
} from "../../components/kubesphere/annotations";

export { ANNOTATION_INSTALLATION_MODE, ANNOTATION_REQUIRED_DEPENDENCIES, COMPONENT_TYPE, INSTALLPLAN_TYPE };

/** Tags shared by every policy of the pack. */
export const PACK_TAGS = ["kubesphere", "extensions"];

/** `spec.clusterScheduling` as a policy may find it (every field optional). */
export interface ClusterSchedulingProps {
  placement?: { clusters?: unknown; clusterSelector?: unknown } | null;
  overrides?: Record<string, unknown> | null;
}

/** InstallPlan properties as policies see them. Nothing is guaranteed to be present or well typed. */
export interface InstallPlanProps {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; annotations?: Record<string, unknown> | null } | null;
  spec?: {
    extension?: { name?: unknown; version?: unknown } | null;
    enabled?: unknown;
    upgradeStrategy?: unknown;
    config?: unknown;
    clusterScheduling?: ClusterSchedulingProps | null;
  } | null;
}

/** True when `type` is the InstallPlan type token. */
export function isInstallPlan(type: string): boolean {
  return type === INSTALLPLAN_TYPE;
}

/** The props of an InstallPlan resource, typed for reading. */
export function planProps(r: { props: Record<string, any> }): InstallPlanProps {
  return r.props as InstallPlanProps;
}

/**
 * How messages name a resource: its Pulumi logical name and URN, which are always known (unlike
 * `metadata.name`, which can be unknown in preview), e.g. `InstallPlan "devops" (urn:pulumi:…)`.
 */
export function subject(r: { name: string; urn: string }): string {
  return `InstallPlan "${r.name}" (${r.urn})`;
}

/** Renders any value for a message: strings quoted, `undefined` as "not set". */
export function show(value: unknown): string {
  if (value === undefined) return "not set";
  if (typeof value === "string") return JSON.stringify(value);
  return `${JSON.stringify(value)} (a ${Array.isArray(value) ? "list" : value === null ? "null" : typeof value})`;
}

/** Reads one annotation; `undefined` when metadata or annotations are absent. */
export function annotation(props: InstallPlanProps, key: string): unknown {
  const annotations = props.metadata?.annotations;
  if (annotations === undefined || annotations === null) return undefined;
  return annotations[key];
}

/** One required dependency of an ExtensionVersion: extension name and Masterminds constraint. */
export interface RequiredDependency {
  /** Extension name, e.g. `whizard-telemetry`. */
  name: string;
  /** Masterminds constraint, e.g. `>= 1.2.1-0`; `""` accepts any version. */
  version: string;
}

/**
 * Parses the `kubesphere-ext.io/required-dependencies` annotation (a JSON array of `{name, version}`).
 *
 * @returns the dependencies (empty when the annotation is absent), or a problem sentence
 */
export function requiredDependencies(props: InstallPlanProps): { deps: RequiredDependency[] } | { problem: string } {
  const raw = annotation(props, ANNOTATION_REQUIRED_DEPENDENCIES);
  if (raw === undefined) return { deps: [] };
  const bad = (why: string) => ({
    problem: `annotation ${ANNOTATION_REQUIRED_DEPENDENCIES} is ${show(raw)}, ${why}; it must be a JSON array of {"name", "version"} objects`,
  });
  if (typeof raw !== "string") return bad("not a string");
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    return bad(`which is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(parsed)) return bad("which is not a JSON array");
  const deps: RequiredDependency[] = [];
  for (const item of parsed) {
    if (item === null || typeof item !== "object" || typeof item.name !== "string" || item.name === "" ||
      (item.version !== undefined && typeof item.version !== "string")) {
      return bad(`and its entry ${JSON.stringify(item)} is not {"name": string, "version": string}`);
    }
    deps.push({ name: item.name, version: item.version ?? "" });
  }
  return { deps };
}

/**
 * Reads an optional list of strings (a component output or config value).
 *
 * @returns the list, `undefined` when absent/null, or a problem sentence when it has another shape
 */
export function stringList(value: unknown, what: string): { list: string[] | undefined } | { problem: string } {
  if (value === undefined || value === null) return { list: undefined };
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    return { problem: `${what} is ${show(value)}, not a list of strings` };
  }
  return { list: [...value] };
}

/**
 * The nearest ancestor of a stack resource that is a `KubeSphereExtension` component, or `undefined`
 * for a hand-written InstallPlan. Its props are the component's registered outputs (`ComponentOutputs`).
 */
export function owningComponent(r: PolicyResource): PolicyResource | undefined {
  for (let p = r.parent; p !== undefined; p = p.parent) {
    if (p.type === COMPONENT_TYPE) return p;
  }
  return undefined;
}

/** The InstallPlans of a stack. */
export function installPlans(resources: PolicyResource[]): PolicyResource[] {
  return resources.filter((r) => isInstallPlan(r.type));
}

/**
 * Whether `from` depends on `to`, directly or through other resources' dependencies, so the engine
 * creates `to` first. `dependsOn: [component]` is expanded by the SDK into the component's custom
 * resources, so a dependency on another extension's component shows up here as a dependency on its
 * InstallPlan.
 */
export function dependsOnTransitively(from: PolicyResource, to: PolicyResource): boolean {
  const seen = new Set<string>();
  const queue = [...from.dependencies];
  while (queue.length > 0) {
    const next = queue.shift() as PolicyResource;
    if (next.urn === to.urn) return true;
    if (seen.has(next.urn)) continue;
    seen.add(next.urn);
    queue.push(...next.dependencies);
  }
  return false;
}

/** Reads a policy's config with defaults for absent keys. */
export function configWithDefaults<T extends object>(args: Pick<ResourceValidationArgs, "getConfig">, defaults: T): T {
  const given = args.getConfig<Partial<T>>() ?? {};
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
