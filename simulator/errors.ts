/**
 * Kubernetes `Status` errors as the real API server returns them, so that clients see the same
 * `code`, `reason` and `message` shapes (e.g. `installplans.kubesphere.io "devops" not found`).
 */

/** The `metav1.Status` object the API server sends with every error response. */
export interface KubeStatus {
  /** Always `Status`. */
  kind: "Status";
  /** Always `v1`. */
  apiVersion: "v1";
  /** List metadata (empty here). */
  metadata: Record<string, unknown>;
  /** `Failure` for errors. */
  status: "Failure" | "Success";
  /** Human-readable text, e.g. `installplans.kubesphere.io "devops" not found`. */
  message: string;
  /** Machine-readable reason: `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`, ... */
  reason: string;
  /** The object concerned, field causes (422) and `retryAfterSeconds` (429). */
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason?: string; message: string; field?: string }>; retryAfterSeconds?: number };
  /** HTTP status code. */
  code: number;
}

/** An error carrying a Kubernetes `Status`; thrown by the store and turned into HTTP responses. */
export class ApiError extends Error {
  /** The Status body sent to HTTP clients. */
  readonly status: KubeStatus;

  /** @param status the Status to send; its `message` becomes the Error message. */
  constructor(status: KubeStatus) {
    super(status.message);
    this.name = "ApiError";
    this.status = status;
  }

  /** HTTP status code (404, 409, ...). */
  get code(): number {
    return this.status.code;
  }

  /** Kubernetes reason (`NotFound`, `Conflict`, ...). */
  get reason(): string {
    return this.status.reason;
  }
}

/** Group-qualified resource text as the API server prints it: `installplans.kubesphere.io`, or `pods` for core. */
export function qualifiedResource(group: string, plural: string): string {
  return group === "" ? plural : `${plural}.${group}`;
}

function status(code: number, reason: string, message: string, details?: KubeStatus["details"]): KubeStatus {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, details, code };
}

/** 404: `<resource> "<name>" not found`. */
export function notFound(group: string, plural: string, name: string): ApiError {
  return new ApiError(status(404, "NotFound", `${qualifiedResource(group, plural)} "${name}" not found`, { name, group, kind: plural }));
}

/** 409 AlreadyExists: `<resource> "<name>" already exists`. */
export function alreadyExists(group: string, plural: string, name: string): ApiError {
  return new ApiError(status(409, "AlreadyExists", `${qualifiedResource(group, plural)} "${name}" already exists`, { name, group, kind: plural }));
}

/** 409 Conflict, worded like the optimistic-concurrency failure of a real update. */
export function conflict(group: string, plural: string, name: string, why = "the object has been modified; please apply your changes to the latest version and try again"): ApiError {
  return new ApiError(status(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(group, plural)} "${name}": ${why}`, { name, group, kind: plural }));
}

/** 410 Gone / Expired for a watch or list from a compacted resourceVersion. */
export function gone(message: string): ApiError {
  return new ApiError(status(410, "Expired", message));
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(status(400, "BadRequest", message));
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(message: string): ApiError {
  return new ApiError(status(405, "MethodNotAllowed", message));
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(status(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`));
}

/** 422 Invalid: `<Kind>.<group> "<name>" is invalid: <field>: <detail>; ...`. */
export function invalid(kind: string, group: string, name: string, causes: Array<{ field: string; message: string; reason?: string }>): ApiError {
  const kindText = group === "" ? kind : `${kind}.${group}`;
  const text = causes.map((c) => `${c.field}: ${c.message}`).join(", ");
  return new ApiError(status(422, "Invalid", `${kindText} "${name}" is invalid: ${causes.length > 1 ? `[${text}]` : text}`, {
    name, group, kind,
    causes: causes.map((c) => ({ reason: c.reason ?? "FieldValueInvalid", message: c.message, field: c.field })),
  }));
}

/** 403 from a validating admission webhook, wrapped exactly as the API server wraps webhook denials. */
export function webhookDenied(webhook: string, message: string): ApiError {
  return new ApiError(status(403, "Forbidden", `admission webhook "${webhook}" denied the request: ${message}`));
}

/** An arbitrary Status error (used by fault injection: 500, 503, 429, ...). */
export function statusError(code: number, reason: string, message: string, retryAfterSeconds?: number): ApiError {
  return new ApiError(status(code, reason, message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds }));
}

/** Reason text Kubernetes uses for common HTTP codes. */
export function reasonForCode(code: number): string {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return "Unknown";
  }
}
