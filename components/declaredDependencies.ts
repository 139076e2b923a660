/**
 * Which extensions a component may count as "declared in this program": exactly those the user
 * states through the standard `dependsOn` option — a `KubeSphereExtension` (its name and version)
 * or a `KubeSphereExtensionSet` (all its members). Nothing is shared between components, so there
 * is no registry, no timing contract and nothing remembered between runs.
 *
 * From TypeScript the resources are objects whose outputs can be read directly. Through the
 * package's provider (`construct` from YAML, Python, Go, ...) they arrive as URNs only; their
 * outputs are then read with the engine's `pulumi:pulumi:getResource` invoke. Both read the same
 * registered outputs: `extensionName`/`version` of an extension, `versions` of a set.
 */
import * as pulumi from "@pulumi/pulumi";
import { EXTENSION_TYPE, EXTENSION_SET_TYPE } from "./tokens";

/** Registered outputs of a component that state what it declares. */
interface DeclaringOutputs {
  extensionName?: unknown;
  version?: unknown;
  versions?: unknown;
}

/** The type token at the end of a URN (`urn:pulumi:stack::project::parent$type::name`). */
export function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 3 ? parts[2].split("$").pop() ?? "" : "";
}

/** `name -> version` stated by one component's registered outputs. */
export function declaredBy(type: string, outputs: DeclaringOutputs): Record<string, string> {
  if (type === EXTENSION_TYPE && typeof outputs.extensionName === "string" && typeof outputs.version === "string") {
    return { [outputs.extensionName]: outputs.version };
  }
  if (type === EXTENSION_SET_TYPE && outputs.versions && typeof outputs.versions === "object") {
    return Object.fromEntries(Object.entries(outputs.versions as Record<string, unknown>)
      .filter((e): e is [string, string] => typeof e[1] === "string"));
  }
  return {};
}

/** The value of an Output, or `undefined` while unknown (so nothing waits for ever in a preview). */
export function settled<T>(o: pulumi.Output<T>): Promise<T | undefined> {
  const impl = o as unknown as { isKnown: Promise<boolean>; promise(): Promise<T> };
  return impl.isKnown.then((known) => (known ? impl.promise() : undefined));
}

/** The resources of a `dependsOn` option (a resource, a list, or Outputs/Promises of them). */
export async function flatten(dependsOn: unknown): Promise<pulumi.Resource[]> {
  const v = pulumi.Output.isInstance(dependsOn) ? await settled(dependsOn as pulumi.Output<unknown>) : await dependsOn;
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return (await Promise.all(v.map(flatten))).flat();
  return pulumi.Resource.isInstance(v) ? [v] : [];
}

async function outputsOf(r: pulumi.Resource, kubernetesProvider: pulumi.ProviderResource | undefined): Promise<{ type: string; outputs: DeclaringOutputs } | undefined> {
  const own = r as unknown as Record<string, unknown> & { __pulumiType?: string };
  const type = own.__pulumiType;
  if (type === EXTENSION_TYPE || type === EXTENSION_SET_TYPE) {
    // An extension declared against another cluster (another Kubernetes provider) satisfies nothing here.
    if ((r as pulumi.ComponentResource).getProvider("kubernetes::") !== kubernetesProvider) return undefined;
    // A component object of this program (TypeScript): read its outputs directly.
    // A dependency that failed to resolve reports its own error; here it just declares nothing.
    const read = async (k: string) => (pulumi.Output.isInstance(own[k]) ? settled(own[k] as pulumi.Output<unknown>).catch(() => undefined) : own[k]);
    return { type, outputs: { extensionName: await read("extensionName"), version: await read("version"), versions: await read("versions") } };
  }
  const urn = await settled(r.urn);
  if (!urn) return undefined;
  const urnType = typeOfUrn(urn);
  if (urnType !== EXTENSION_TYPE && urnType !== EXTENSION_SET_TYPE) return undefined;
  // A reference by URN (the provider's construct): the engine has the registered outputs.
  const res = await pulumi.runtime.invoke("pulumi:pulumi:getResource", { urn }, { async: true } as pulumi.InvokeOptions);
  const state = (res as { state?: DeclaringOutputs }).state ?? {};
  return { type: urnType, outputs: state };
}

/**
 * The extensions stated in `dependsOn`, `name -> version`, that target the same cluster (the same
 * Kubernetes provider object; references by URN carry no provider and count as stated). A component
 * whose name or version is unknown (a preview fed by other resources) contributes nothing rather
 * than making anyone wait.
 */
export async function declaredInDependsOn(dependsOn: unknown, kubernetesProvider: pulumi.ProviderResource | undefined): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const r of await flatten(dependsOn)) {
    const found = await outputsOf(r, kubernetesProvider);
    if (!found) continue;
    for (const [n, v] of Object.entries(declaredBy(found.type, found.outputs))) if (out[n] === undefined) out[n] = v;
  }
  return out;
}
