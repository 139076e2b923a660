/**
 * What the serialized `InstallPlanReadiness` dynamic provider loads at run time (package export
 * `@kubesphere-ext/pulumi-kubesphere/readiness-runtime`): the readiness runtime, plus progress lines
 * written to the engine's log for the component — the same lines the package's own provider writes,
 * from the same wait, so a TypeScript program needs no second watch for them.
 */
import { engineLogger } from "./engineLog";

export { awaitDeleted, awaitReady } from "../readiness/providerRuntime";

/**
 * The engine's address as the engine passes it to a plugin: the first argument that is not a flag
 * (`--logtostderr`, `-v=N`, `--tracing <addr>` may come first).
 */
export function engineAddressFromArgs(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--tracing") { i++; continue; }
    if (!args[i].startsWith("-")) return args[i];
  }
  return undefined;
}

/**
 * The error to hand the dynamic-provider host: the same error without its stack frames. The host
 * prints `${error}: ${error.stack}` for every failed create/update/delete, which put a JavaScript
 * stack trace under a refusal or an install failure in `pulumi up`; the message is the verdict.
 */
export function withoutStack(e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  err.stack = "";
  return err;
}

/** A progress sink that logs each line on `urn` (a no-op without an engine or a URN). */
export function progressTo(urn: string | undefined, args: string[] = process.argv.slice(2)): ((message: string) => void) | undefined {
  if (!urn) return undefined;
  const log = engineLogger(engineAddressFromArgs(args));
  return (message) => log(urn, message);
}
