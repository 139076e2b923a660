/**
 * Progress lines from the provider's readiness waits into `pulumi up`, attributed to the resource.
 * A provider's create/update run outside any program, so the SDK's `pulumi.log` has no engine
 * there; this writes the engine's Log RPC directly. Best effort: a line that cannot be sent is
 * dropped (the wait's verdict never depends on it).
 */
import * as grpc from "@grpc/grpc-js";

/* eslint-disable @typescript-eslint/no-var-requires */
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engineProto = require("@pulumi/pulumi/proto/engine_pb");

/** Writes an info line for a resource. */
export type ResourceLogger = (urn: string, message: string) => void;

/** A logger for the engine at `address`, or a no-op when there is none. */
export function engineLogger(address: string | undefined): ResourceLogger {
  if (!address) return () => undefined;
  let client: { log(req: unknown, cb: (err: unknown) => void): void } | undefined;
  // Lines are sent one after another: concurrent calls reach the engine in any order, and a
  // rollout's "wave 2" must not be shown before "wave 1 done".
  let previous: Promise<void> = Promise.resolve();
  const send = (urn: string, message: string) => new Promise<void>((resolve) => {
    try {
      client ??= new engineRpc.EngineClient(address, grpc.credentials.createInsecure());
      const req = new engineProto.LogRequest();
      req.setSeverity(engineProto.LogSeverity.INFO);
      req.setMessage(message);
      req.setUrn(urn);
      client!.log(req, () => resolve());
    } catch {
      resolve(); // best effort (module comment)
    }
  });
  return (urn, message) => {
    previous = previous.then(() => send(urn, message));
  };
}
