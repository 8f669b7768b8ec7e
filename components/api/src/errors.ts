/** API errors: every failure leaves the Worker as `{error: {code, message}}` with a fitting status. */

export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "misconfigured"
  | "auth_keys_unavailable"
  | "internal_error"
  | "clickhouse_error"
  | "clickhouse_unavailable"
  | "clickhouse_timeout";

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;

  constructor(status: number, code: ErrorCode, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, "bad_request", message);

export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export function errorResponse(error: ApiError, headers: Record<string, string> = {}): Response {
  // A 405 names what would have been allowed (RFC 9110 requires the Allow header).
  const extra: Record<string, string> = error.status === 405 ? { allow: "GET, HEAD" } : {};
  return jsonResponse({ error: { code: error.code, message: error.message } }, error.status, { ...headers, ...extra });
}
