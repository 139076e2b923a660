/**
 * Request records and fault injection for the simulated API server. Pure bookkeeping: the server
 * asks {@link HttpFaults.take} for each request and applies what it returns.
 */

/** The Kubernetes verb of a request, as the API server's request-info resolver names it. */
export type RequestVerb =
  | "get" | "list" | "watch" | "create" | "update" | "patch" | "delete"
  | "log" | "discovery" | "version" | "other";

/** One request the server received (headers are deliberately not recorded: they carry the token). */
export interface RequestRecord {
  /** HTTP method. */
  method: string;
  /** URL path without the query. */
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  /** Kubernetes verb. */
  verb: RequestVerb;
  /** API group (`""` for core), when the path names a resource. */
  group?: string;
  /** Resource plural (`installplans`), when the path names one. */
  resource?: string;
  /** Subresource (`log`, `status`). */
  subresource?: string;
  /** Namespace from the path. */
  namespace?: string;
  /** Object name from the path. */
  name?: string;
  /** Request Content-Type, when there is a body. */
  contentType?: string;
  /** HTTP status sent (filled in once the response starts). */
  statusCode?: number;
  /** Name of the injected fault applied to it, if any. */
  fault?: string;
}

/** Matches requests by fields (all given fields must be equal) or by a predicate. */
export type RequestMatcher =
  | Partial<Pick<RequestRecord, "method" | "verb" | "group" | "resource" | "subresource" | "namespace" | "name" | "path">>
  | ((request: RequestRecord) => boolean);

/** What an injected fault does to a matching request. */
export type FaultAction =
  /** Answer with a Status error (500, 503, 429 with Retry-After, 409, ...). */
  | { kind: "status"; code: number; reason?: string; message?: string; retryAfterSeconds?: number }
  /** Hold the request for `ms` milliseconds, then serve it normally. */
  | { kind: "delay"; ms: number }
  /**
   * For watches: close the stream after `afterEvents` events (default 0) or `afterMs`
   * milliseconds. `mode: "end"` ends the chunked response cleanly; `"reset"` destroys the socket.
   */
  | { kind: "dropWatch"; afterEvents?: number; afterMs?: number; mode?: "end" | "reset" };

/** One fault rule. */
export interface FaultRule {
  /** Which requests it applies to. */
  match: RequestMatcher;
  /** How many matching requests it applies to (default 1; `Infinity` for all). */
  times?: number;
  /** What it does. */
  action: FaultAction;
  /** Label recorded on affected requests (defaults to the action kind). */
  name?: string;
}

/** Handle of an installed rule. */
export interface FaultHandle {
  /** How many more requests the rule will affect. */
  readonly remaining: number;
  /** How many requests it has affected. */
  readonly applied: number;
  /** Removes the rule. */
  clear(): void;
}

/** True when `request` satisfies `matcher`. */
export function matchesRequest(matcher: RequestMatcher, request: RequestRecord): boolean {
  if (typeof matcher === "function") return matcher(request);
  return Object.entries(matcher).every(([k, v]) => v === undefined || request[k as keyof RequestRecord] === v);
}

interface ActiveRule { rule: FaultRule; remaining: number; applied: number; }

/** The fault table of one server. Rules apply in insertion order; the first match wins. */
export class HttpFaults {
  private rules: ActiveRule[] = [];

  /** Installs a rule. */
  inject(rule: FaultRule): FaultHandle {
    const active: ActiveRule = { rule, remaining: rule.times ?? 1, applied: 0 };
    if (!(active.remaining > 0)) throw new Error(`fault rule "times" must be > 0, got ${String(rule.times)}`);
    this.rules.push(active);
    const rules = (): ActiveRule[] => this.rules;
    return {
      get remaining() { return active.remaining; },
      get applied() { return active.applied; },
      clear: () => { this.rules = rules().filter((r) => r !== active); },
    };
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** Returns (and consumes one use of) the first rule matching `request`, if any. */
  take(request: RequestRecord): FaultRule | undefined {
    const found = this.rules.find((r) => r.remaining > 0 && matchesRequest(r.rule.match, request));
    if (!found) return undefined;
    found.remaining--;
    found.applied++;
    if (found.remaining <= 0) this.rules = this.rules.filter((r) => r !== found);
    return found.rule;
  }
}
