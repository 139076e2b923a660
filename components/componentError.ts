/**
 * Errors a component reports, with a message that stays as written.
 *
 * The Pulumi SDK prefixes an error's `message` in place each time a rejected Output passes through
 * property serialization (`error serializing property "spec": …`, runtime/rpc.js), and one resolution
 * feeds many properties (the plan's metadata and spec, the readiness expectation, the outputs), so the
 * user would read the cause wrapped several times. The message is therefore fixed: the prefixing
 * assignment is ignored (a setter that keeps the original), the error's identity is unchanged (the
 * SDK reports each error once, by identity), and there is no stack trace: hideStack for the resource's
 * own report, and a `stack` that is just the message for the runtime's report of an unhandled
 * rejection (which prints `err.stack`; seen through the real engine under the Stack resource).
 */
import * as pulumi from "@pulumi/pulumi";

/** A `ResourceError` on `resource` whose message is exactly `message`. */
export function componentError(message: string, resource: pulumi.Resource): pulumi.ResourceError {
  const err = new pulumi.ResourceError(message, resource, true);
  Object.defineProperty(err, "message", { get: () => message, set: () => undefined, enumerable: false, configurable: true });
  Object.defineProperty(err, "stack", { value: message, writable: true, enumerable: false, configurable: true });
  return err;
}
