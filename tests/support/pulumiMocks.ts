/**
 * Records every registration the component makes under `pulumi.runtime.setMocks`, including the
 * parent and dependency URNs that `newResource` does not receive (taken from the mock monitor).
 */
import * as pulumi from "@pulumi/pulumi";
import { resetProgramRegistry } from "../../components/programRegistry";

/** One registered resource. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, any>;
  custom: boolean;
  parent?: string;
  dependencies: string[];
  provider?: string;
}

let pending = 0;

/** Installs mocks; returns the live list of registrations. Throws on any invoke (none expected). */
export async function installMocks(preview = false): Promise<Registration[]> {
  resetProgramRegistry();
  const regs: Registration[] = [];
  await pulumi.runtime.setMocks({
    newResource(args) {
      const state = { ...args.inputs };
      return { id: args.custom ? `${args.name}-id` : "", state };
    },
    call(args) {
      throw new Error(`unexpected invoke ${args.token}`);
    },
  }, "proj", "dev", preview);
  const monitor = pulumi.runtime.getMonitor() as any;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, ...rest: any[]) => {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent() || undefined;
    regs.push({
      type, name, urn: "", inputs: {}, custom: req.getCustom(), parent,
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
