/**
 * Builds the `StackValidationArgs` a stack policy would receive from the resources a program
 * registers under `pulumi.runtime.setMocks` (pulumi-notes §4.1, §6).
 *
 * `newResource` does not receive a registration's parent, dependencies or provider, so the recorder
 * wraps the mock monitor's `registerResource` (reading them off the request) and
 * `registerResourceOutputs` (a component's registered outputs are its props in stack validation,
 * which is how stack policies read `KubeSphereExtension` facts). Props are wrapped in the real
 * `unknownCheckingProxy`, and parent/dependencies become `PolicyResource` objects filtered to
 * resources of the stack, as `@pulumi/policy`'s server does in `analyzeStack`.
 *
 * What this cannot show: outputs the real provider would compute (the mock echoes inputs), and
 * dependencies the engine adds itself. It does show exactly what the SDK sends for each resource.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PolicyResource, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { INSTALLPLAN_TYPE } from "../../components/kubesphere/annotations";
import { policies } from "../../policy-pack/policies";
import { emptyOptions, NotApplicable, policyProxy, resourceArgs, runResourcePolicy, runStackPolicy } from "./support";

/** One registration as the engine would record it. */
export interface RecordedResource {
  /** Type token, e.g. `kubernetes:kubesphere.io/v1alpha1:InstallPlan`. */
  type: string;
  /** Logical name. */
  name: string;
  /** URN assigned by the mock monitor (empty until the registration completes). */
  urn: string;
  /** Custom resource (true) or component (false). */
  custom: boolean;
  /** Parent URN. */
  parent?: string;
  /** URNs this resource depends on (after the SDK expanded components into their custom resources). */
  dependencies: string[];
  /** Provider reference `<provider urn>::<provider id>`. */
  provider?: string;
  /** Outputs: the mock's state for custom resources, the registered outputs for components. */
  props: Record<string, any>;
}

/** Signature and value key of a serialized secret (`@pulumi/pulumi` `runtime/rpc`). */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Plain JSON from a protobuf Struct; secrets unwrapped, unknown sentinels kept (the proxy needs them). */
function plain(value: unknown): any {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return plain(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const structToJs = (struct: { toJavaScript(): Record<string, unknown> } | undefined): Record<string, any> =>
  plain(struct?.toJavaScript() ?? {});

/** Records registrations of the current mock monitor. Create it right after `setMocks`. */
export class StackRecorder {
  /** Every registration, in order. */
  readonly resources: RecordedResource[] = [];
  private pending = 0;
  private readonly outputsBeforeUrn = new Map<string, Record<string, any>>();

  constructor() {
    const monitor = pulumi.runtime.getMonitor() as any;
    if (!monitor || typeof monitor.registerResource !== "function") {
      throw new Error("StackRecorder needs the mock monitor: call pulumi.runtime.setMocks first");
    }
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, ...rest: any[]) => {
      const rec: RecordedResource = {
        type: req.getType(),
        name: req.getName(),
        urn: "",
        custom: req.getCustom(),
        parent: req.getParent() || undefined,
        dependencies: req.getDependenciesList(),
        provider: req.getProvider() || undefined,
        props: {},
      };
      this.resources.push(rec);
      this.pending++;
      const callback = rest[rest.length - 1];
      rest[rest.length - 1] = (err: unknown, resp: any) => {
        this.pending--;
        if (resp) {
          rec.urn = resp.getUrn();
          rec.props = this.outputsBeforeUrn.get(rec.urn) ?? structToJs(resp.getObject());
        }
        callback(err, resp);
      };
      return register(req, ...rest);
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: any) => {
      const outputs = structToJs(req.getOutputs());
      const rec = this.resources.find((r) => r.urn === req.getUrn());
      if (rec) rec.props = outputs;
      else this.outputsBeforeUrn.set(req.getUrn(), outputs);
      return registerOutputs(req, callback);
    };
  }

  /**
   * Resolves once `done(resources)` holds, then waits until no registration is in flight.
   * Rejects after `timeoutMs` naming what was recorded, so a hung program fails the test clearly.
   */
  async waitFor(done: (resources: RecordedResource[]) => boolean, timeoutMs = 20_000): Promise<void> {
    const start = Date.now();
    while (!done(this.resources)) {
      if (Date.now() - start > timeoutMs) {
        throw new Error(`timed out waiting for registrations; recorded: ${this.resources.map((r) => `${r.type}::${r.name}`).join(", ")}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await this.settled();
  }

  /** Resolves once no registration is in flight (checked over a few macrotasks). */
  async settled(): Promise<void> {
    for (let quiet = 0; quiet < 3;) {
      await new Promise((r) => setTimeout(r, 10));
      quiet = this.pending === 0 ? quiet + 1 : 0;
    }
  }

  /** The recorded resources as `PolicyResource`s (parents and dependencies linked, props proxied). */
  policyResources(): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const out = this.resources.map((r): PolicyResource => {
      const props = policyProxy.unknownCheckingProxy(r.props);
      const resource: PolicyResource = {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props,
        opts: { ...emptyOptions, parent: r.parent },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      };
      if (r.provider) {
        const providerUrn = r.provider.split("::").slice(0, -1).join("::");
        const [, , , type = "", name = ""] = providerUrn.split("::");
        resource.provider = { type: type.split("$").pop() as string, name, urn: providerUrn, props: {} };
      }
      byUrn.set(r.urn, resource);
      return resource;
    });
    this.resources.forEach((r, i) => {
      if (r.parent) out[i].parent = byUrn.get(r.parent);
      out[i].dependencies = r.dependencies.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
    });
    return out;
  }

  /** `StackValidationArgs` over everything recorded so far, with `config` as the policy's config. */
  stackArgs(config: object = {}): StackValidationArgs {
    return {
      resources: this.policyResources(),
      stackTags: new Map(),
      getConfig: <T extends object>() => config as T,
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };
  }
}

const resourcePolicies = policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p);
const stackPolicies = policies.filter((p): p is StackValidationPolicy => "validateStack" in p);

/**
 * Runs the whole pack with default config the way `pulumi preview --policy-pack` would: every stack
 * policy over the recorded stack, every resource policy over each recorded InstallPlan's props.
 *
 * @returns `<policy>: <message>` for every violation
 */
export async function violationsOfWholePack(recorder: StackRecorder, config: Record<string, object> = {}): Promise<string[]> {
  const out: string[] = [];
  const args = recorder.stackArgs();
  for (const p of stackPolicies) {
    const withConfig = { ...args, getConfig: <T extends object>() => (config[p.name] ?? {}) as T };
    out.push(...(await runStackPolicy(p, withConfig)).map((v) => `${p.name}: ${v.message}`));
  }
  for (const r of recorder.resources.filter((x) => x.type === INSTALLPLAN_TYPE)) {
    for (const p of resourcePolicies) {
      try {
        const messages = await runResourcePolicy(p, resourceArgs(structuredClone(r.props), config[p.name] ?? {}, { name: r.name }));
        out.push(...messages.map((m) => `${p.name}: ${m}`));
      } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
      }
    }
  }
  return out;
}
