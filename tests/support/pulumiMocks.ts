/**
 * Records every registration the component makes under `pulumi.runtime.setMocks`, including the
 * parent and dependency URNs that `newResource` does not receive (taken from the mock monitor).
 */
import * as pulumi from "@pulumi/pulumi";

/* eslint-disable @typescript-eslint/no-var-requires */
const resourceProto = require("@pulumi/pulumi/proto/resource_pb");
const structProto = require("google-protobuf/google/protobuf/struct_pb");

/** One registered resource. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, any>;
  /** The inputs as sent to the engine; secrets appear wrapped in Pulumi's secret signature. */
  rawInputs: Record<string, any>;
  custom: boolean;
  parent?: string;
  dependencies: string[];
  provider?: string;
}

let pending = 0;

/** Type token of the readiness child resource in a TypeScript program (a dynamic resource). */
export const READINESS_TYPE = "pulumi-nodejs:dynamic/kubesphere:InstallPlanReadiness";
/** Type token of the readiness child resource when the package's provider constructs the component. */
export const PROVIDER_READINESS_TYPE = "kubesphere:index:InstallPlanReadiness";

/**
 * Installs mocks; returns the live list of registrations. The only invoke answered is the engine's
 * `pulumi:pulumi:getResource` (outputs of registered resources by URN, as the provider's construct
 * reads `dependsOn` references); any other invoke throws.
 */
export async function installMocks(preview = false): Promise<Registration[]> {
  const regs: Registration[] = [];
  const outputsByUrn = new Map<string, Record<string, unknown>>();
  await pulumi.runtime.setMocks({
    newResource(args) {
      const state = { ...args.inputs };
      if (args.type === READINESS_TYPE || args.type === PROVIDER_READINESS_TYPE) {
        // What the readiness provider's create returns once the plan is ready (never the kubeconfig).
        delete state.kubeconfig;
        Object.assign(state, {
          state: "Installed", installedVersion: args.inputs.expected?.version, jobName: `helm-install-${args.inputs.planName}-x2x4x`,
          targetNamespace: "", clusterStates: Object.fromEntries(Object.keys(args.inputs.expected?.clusters ?? {})
            .map((c) => [c, { state: "Installed", version: args.inputs.expected?.version }])),
        });
      }
      return { id: args.custom ? `${args.name}-id` : "", state };
    },
    call(args) {
      throw new Error(`unexpected invoke ${args.token}`);
    },
  }, "proj", "dev", preview);
  const monitor = pulumi.runtime.getMonitor() as any;
  const original = monitor.registerResource.bind(monitor);
  const originalInvoke = monitor.invoke.bind(monitor);
  // The mock monitor answers getResource with what newResource returned (a component's inputs);
  // the engine answers with the registered outputs, which is what construct reads.
  monitor.invoke = (req: any, cb: (err: unknown, resp?: unknown) => void) => {
    if (req.getTok() !== "pulumi:pulumi:getResource") return originalInvoke(req, cb);
    const urn = String(req.getArgs().toJavaScript().urn);
    const resp = new resourceProto.ResourceInvokeResponse();
    resp.setReturn(structProto.Struct.fromJavaScript({ urn, id: "", state: outputsByUrn.get(urn) ?? {} }));
    cb(null, resp);
  };
  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, ...rest: any[]) => {
    outputsByUrn.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
    return originalOutputs(req, ...rest);
  };
  monitor.registerResource = (req: any, ...rest: any[]) => {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent() || undefined;
    regs.push({
      type, name, urn: "", inputs: {}, rawInputs: req.getObject()?.toJavaScript() ?? {}, custom: req.getCustom(), parent,
      dependencies: req.getDependenciesList(), provider: req.getProvider() || undefined,
    });
    const entry = regs[regs.length - 1];
    const cb = rest[rest.length - 1];
    pending++;
    rest[rest.length - 1] = (err: any, resp: any) => {
      pending--;
      if (resp) {
        entry.urn = resp.getUrn();
        entry.inputs = resp.getObject()?.toJavaScript() ?? {};
      }
      cb(err, resp);
    };
    return original(req, ...rest);
  };
  return regs;
}

/** The signature key Pulumi wraps secret values in on the wire. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** `JSON.stringify` with every secret-wrapped value replaced by `[secret]`. */
export function withoutSecrets(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === "object" && SECRET_SIG in v ? "[secret]" : v));
}

/** Resolves an Output's value (or rejects with its error). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return (o as any).promise();
}

/**
 * Waits until no registration has been in flight for `quietMs` (registrations that are still
 * waiting on inputs or dependencies count as in flight once they reach the monitor).
 */
export async function settle(quietMs = 50, maxMs = 10_000): Promise<void> {
  const start = Date.now();
  let quietSince = Date.now();
  while (Date.now() - start < maxMs) {
    await new Promise((r) => setTimeout(r, 10));
    if (pending > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return;
  }
}
