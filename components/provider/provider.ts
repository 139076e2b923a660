/**
 * The package's own Pulumi provider (plugin name `kubesphere`): what `pulumi package add` runs for
 * programs in YAML, Python, Go, .NET or TypeScript-through-an-SDK.
 *
 * * `construct` builds `KubeSphereExtension` / `KubeSphereExtensionSet` exactly as a TypeScript
 *   program does, with one difference: their readiness waits are the custom resource
 *   `kubesphere:index:InstallPlanReadiness`, served here (check/diff/create/update/delete), instead
 *   of a Node dynamic resource — which the engine would start in the program's directory, where a
 *   non-Node program has no `node_modules` (pulumi/pulumi#5455).
 * * Resolution errors are returned as the component's error message, as TypeScript shows them (not
 *   wrapped in "error serializing property", without a JavaScript stack trace).
 * * `getSchema` serves `schema.json`, generated from the components' TypeScript declarations by
 *   Pulumi's component analyzer and checked by `tests/schema.spec.ts`.
 */
import * as pulumi from "@pulumi/pulumi";
import { KubeSphereExtension, READINESS_HOST } from "../extension";
import { KubeSphereExtensionSet } from "../extensionSet";
import { settled } from "../declaredDependencies";
import { changedReadinessKeys, checkReadinessInputs } from "../readiness/dynamicReadiness";
import { awaitDeleted, awaitReady } from "../readiness/providerRuntime";
import type { ReadinessProviderInputs, ReadinessProviderState } from "../readiness/providerRuntime";
import { EXTENSION_SET_TYPE, EXTENSION_TYPE, READINESS_RESOURCE_TYPE } from "../tokens";
import { engineLogger, ResourceLogger } from "./engineLog";

import * as schemaJson from "./schema.json";

const schemaText: string = JSON.stringify((schemaJson as unknown as { default?: unknown }).default ?? schemaJson);

/** Output names of each component, as the schema declares them. */
function outputNames(type: string): string[] {
  const schema = JSON.parse(schemaText) as { resources: Record<string, { properties?: Record<string, unknown> }> };
  return Object.keys(schema.resources[type]?.properties ?? {});
}

function requireReadinessType(urn: string): void {
  const type = urn.split("::")[2]?.split("$").pop();
  if (type !== READINESS_RESOURCE_TYPE) throw new Error(`the kubesphere provider has no resource type ${type}; it serves ${READINESS_RESOURCE_TYPE}`);
}

/** Where a wait's progress lines go: the component's log when it says so, else the resource's own. */
function logUrnOf(urn: string, props: object): string {
  const logUrn = (props as { logUrn?: unknown }).logUrn;
  return typeof logUrn === "string" && logUrn !== "" ? logUrn : urn;
}

/** The provider. */
export class KubeSphereProvider implements pulumi.provider.Provider {
  /** The package version (package.json). */
  readonly version = JSON.parse(schemaText).version as string;
  private readonly log: ResourceLogger;

  /**
   * @param engineAddress the engine's address (the plugin's first argument), for progress lines.
   */
  constructor(engineAddress?: string) {
    this.log = engineLogger(engineAddress);
  }

  /** The package schema. */
  async getSchema(): Promise<string> {
    return schemaText;
  }

  /** Builds a component of this package. */
  async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<pulumi.provider.ConstructResult> {
    const opts = { ...options, [READINESS_HOST]: "provider" } as unknown as pulumi.ComponentResourceOptions;
    let component: pulumi.ComponentResource;
    let verdict: pulumi.Output<unknown>;
    if (type === EXTENSION_TYPE) {
      const ext = new KubeSphereExtension(name, inputs as never, opts);
      component = ext;
      verdict = ext.extensionName;
    } else if (type === EXTENSION_SET_TYPE) {
      const set = new KubeSphereExtensionSet(name, inputs as never, opts);
      component = set;
      verdict = set.order;
    } else {
      throw new Error(`the kubesphere provider has no component ${type}; it has ${EXTENSION_TYPE} and ${EXTENSION_SET_TYPE}`);
    }
    // A resolution failure is the component's error, as in TypeScript: report its message alone.
    try {
      await settled(verdict);
    } catch (e) {
      throw new Error((e as Error)?.message ?? String(e));
    }
    const outputs = component as unknown as Record<string, unknown>;
    return { urn: component.urn, state: Object.fromEntries(outputNames(type).map((k) => [k, outputs[k]])) };
  }

  /** Checks the readiness resource's inputs. */
  async check(urn: string, _olds: unknown, news: Record<string, unknown>): Promise<pulumi.provider.CheckResult> {
    requireReadinessType(urn);
    return { inputs: news, failures: checkReadinessInputs(news) };
  }

  /** Never a replacement: a replace would run `delete`, which uninstalls (readiness/dynamicReadiness.ts). */
  async diff(_id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.provider.DiffResult> {
    requireReadinessType(urn);
    const changed = changedReadinessKeys(olds, news);
    return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
  }

  /** Waits until the plan is ready; the outputs echo the inputs (delete receives only outputs). */
  async create(urn: string, inputs: ReadinessProviderInputs): Promise<pulumi.provider.CreateResult> {
    requireReadinessType(urn);
    const outs = await awaitReady(inputs, { onProgress: (m: string) => this.log(logUrnOf(urn, inputs), m) });
    return { id: inputs.planName, outs: { ...inputs, ...outs } };
  }

  /** Waits until the plan is ready for the new spec. */
  async update(_id: string, urn: string, _olds: ReadinessProviderState, news: ReadinessProviderInputs): Promise<pulumi.provider.UpdateResult> {
    requireReadinessType(urn);
    const outs = await awaitReady(news, { onProgress: (m: string) => this.log(logUrnOf(urn, news), m) });
    return { outs: { ...news, ...outs } };
  }

  /** Guards and waits for the uninstall (readiness/providerRuntime.ts `awaitDeleted`). */
  async delete(_id: string, urn: string, props: ReadinessProviderState): Promise<void> {
    requireReadinessType(urn);
    await awaitDeleted(props, { onProgress: (m: string) => this.log(logUrnOf(urn, props), m) });
  }

  /** Refresh keeps the recorded state (the wait is not a cluster object). */
  async read(id: string, urn: string, props?: Record<string, unknown>): Promise<pulumi.provider.ReadResult> {
    requireReadinessType(urn);
    return { id, props };
  }
}
