/**
 * The one place that decides what a failed Kubernetes API call means: the server could not be
 * reached, did not answer in time, refused the credentials (401) or the permission (403), the
 * object does not exist (404), a write conflicted (409), or something else — always naming the
 * server. Network glue only; callers decide what to do about each kind.
 */
import * as k8s from "@kubernetes/client-node";

/** What an API failure means. */
export type KubeFailureKind = "unreachable" | "timeout" | "unauthorized" | "forbidden" | "notFound" | "conflict" | "other";

/** An API call failed. `code` is the HTTP status, undefined for network errors and timeouts. */
export class KubeApiError extends Error {
  /** What the failure means. */
  readonly kind: KubeFailureKind;
  /** HTTP status code, when the server answered. */
  readonly code?: number;
  /** Kubernetes `reason` (`NotFound`, `Conflict`, `InternalError`, ...) when the body was a Status. */
  readonly reason?: string;
  /** What was being done, e.g. `GET installplans/devops`. */
  readonly operation: string;
  /** The API server's URL (`https://host:6443`), or `""` when unknown. */
  readonly server: string;
  /** The short cause without operation and server (the Status message, or the network error). */
  readonly detail: string;

  /**
   * @param operation what was being done; @param server the API server URL; @param kind what it means;
   * @param detail the cause; @param code HTTP status; @param reason Kubernetes Status reason.
   */
  constructor(operation: string, server: string, kind: KubeFailureKind, detail: string, code?: number, reason?: string) {
    super(`${operation} on ${server || "the API server"}: ${headline(kind, code, reason)}${detail ? `: ${detail}` : ""}`);
    this.name = "KubeApiError";
    this.kind = kind;
    this.operation = operation;
    this.server = server;
    this.detail = detail;
    if (code !== undefined) this.code = code;
    if (reason !== undefined) this.reason = reason;
  }

  /**
   * Whether retrying can help: unreachable, timeouts, 408, 409, 429 and 5xx. 401/403 (credentials,
   * RBAC), 404 and other 4xx are permanent.
   */
  get transient(): boolean {
    if (this.kind === "unreachable" || this.kind === "timeout") return true;
    if (this.code === undefined) return true;
    return this.code === 409 || this.code === 429 || this.code === 408 || this.code >= 500;
  }
}

function headline(kind: KubeFailureKind, code?: number, reason?: string): string {
  switch (kind) {
    case "unreachable": return "cannot reach the API server";
    case "timeout": return "the API server did not answer in time";
    case "unauthorized": return "HTTP 401 Unauthorized (the credentials were refused)";
    case "forbidden": return "HTTP 403 Forbidden (the identity lacks the permission)";
    default: return code !== undefined ? `HTTP ${code}${reason ? ` ${reason}` : ""}` : "request failed";
  }
}

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "EPIPE", "EAI_AGAIN",
  "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ERR_SOCKET_CONNECTION_TIMEOUT"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ESOCKETTIMEDOUT"]);

/** Parses a Kubernetes Status body (object or JSON text). */
export function parseStatus(body: unknown): { message?: string; reason?: string; code?: number } | undefined {
  let b = body;
  if (typeof b === "string") {
    try { b = JSON.parse(b); } catch { return undefined; }
  }
  if (b && typeof b === "object" && (b as { kind?: string }).kind === "Status") return b as { message?: string; reason?: string; code?: number };
  return undefined;
}

/** Kind of an HTTP status. */
export function kindOfStatus(code: number): KubeFailureKind {
  switch (code) {
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "notFound";
    case 409: return "conflict";
    case 408: case 504: return "timeout";
    default: return "other";
  }
}

/** The error chain's network code (`ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`, ...), if any. */
function networkCode(e: unknown): string | undefined {
  for (let cur = e as { code?: unknown; cause?: unknown } | undefined, depth = 0; cur && depth < 5; cur = cur.cause as typeof cur, depth++) {
    if (typeof cur.code === "string") return cur.code;
  }
  return undefined;
}

function isTimeout(e: unknown): boolean {
  for (let cur = e as { name?: string; cause?: unknown } | undefined, depth = 0; cur && depth < 5; cur = cur.cause as typeof cur, depth++) {
    if (cur.name === "TimeoutError") return true;
  }
  return false;
}

/**
 * Turns anything a client call threw into a {@link KubeApiError} naming `server`.
 *
 * @param operation what was being done, e.g. `LIST extensionversions.kubesphere.io`.
 * @param server the API server URL.
 * @param e what was thrown.
 * @param timeoutMs the request timeout, for the timeout message.
 */
export function toKubeApiError(operation: string, server: string, e: unknown, timeoutMs?: number): KubeApiError {
  if (e instanceof KubeApiError) return e;
  if (e instanceof k8s.ApiException) {
    const status = parseStatus(e.body);
    const detail = status?.message ?? (typeof e.body === "string" ? e.body.slice(0, 300) : "");
    return new KubeApiError(operation, server, kindOfStatus(e.code), detail, e.code, status?.reason);
  }
  const err = e as { statusCode?: number; name?: string; message?: string };
  if (typeof err?.statusCode === "number") return new KubeApiError(operation, server, kindOfStatus(err.statusCode), err.message ?? "", err.statusCode);
  const code = networkCode(e);
  if (isTimeout(e) || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new KubeApiError(operation, server, "timeout", timeoutMs !== undefined ? `no answer within ${timeoutMs} ms${code ? ` (${code})` : ""}` : (code ?? "timed out"));
  }
  if (code !== undefined && (UNREACHABLE_CODES.has(code) || /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code))) {
    const extra = err?.message && !err.message.includes(code) && err.message !== "fetch failed" ? ` (${err.message.slice(0, 200)})` : "";
    return new KubeApiError(operation, server, "unreachable", `${code}${extra}`);
  }
  if (err?.name === "AbortError") return new KubeApiError(operation, server, "other", "aborted");
  if (err?.name === "TypeError" && err.message === "fetch failed") return new KubeApiError(operation, server, "unreachable", code ?? "fetch failed");
  return new KubeApiError(operation, server, "other", `${err?.name ?? "Error"}: ${(err?.message ?? String(e)).slice(0, 300)}`);
}
