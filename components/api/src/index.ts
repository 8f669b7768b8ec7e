/**
 * Worker entry: authenticate, route, and turn every failure into a JSON error.
 * Unexpected exceptions are logged with the request id and answered with a bare 500, so no stack
 * trace, SQL or configuration ever reaches the client.
 */
import { authenticate } from "./auth";
import { healthHandler, queryHandler, QUERY_ENDPOINTS } from "./endpoints";
import type { Env } from "./env";
import { ApiError, errorResponse, jsonResponse } from "./errors";
import { openApiDocument } from "./openapi";
import { checkRequestLine, Router } from "./router";

export type { Env } from "./env";

export function buildRouter(): Router<Env> {
  const router = new Router<Env>();
  router.get("/api/health", healthHandler);
  router.get("/api/openapi.json", ({ url }) => jsonResponse(openApiDocument(url.origin)));
  for (const endpoint of QUERY_ENDPOINTS) router.get(endpoint.path, queryHandler(endpoint));
  return router;
}

const router = buildRouter();

export async function handleRequest(request: Request, env: Env): Promise<Response> {
  const requestId = request.headers.get("cf-ray") ?? crypto.randomUUID();
  const headers = { "x-request-id": requestId, "cache-control": "no-store" };
  try {
    // Refusals that need no identity and reveal nothing come first: a confusing path (400) or a
    // method no route answers (405), both as JSON.
    checkRequestLine(request);
    await authenticate(request, env);
    const response = await router.handle(request, env);
    // A query's answer says how long it may be reused (endpoints.ts); anything else is not stored.
    const cacheControl = response.headers.get("cache-control");
    for (const [key, value] of Object.entries(headers)) response.headers.set(key, value);
    if (cacheControl) response.headers.set("cache-control", cacheControl);
    return response;
  } catch (error) {
    if (error instanceof ApiError) {
      if (error.status >= 500) console.error(`${requestId} ${request.method} ${new URL(request.url).pathname}: ${error.code}: ${error.message}`);
      return errorResponse(error, headers);
    }
    console.error(`${requestId} ${request.method} ${new URL(request.url).pathname}: unexpected error`, error);
    return errorResponse(new ApiError(500, "internal_error", "internal error; see the Worker log for request " + requestId), headers);
  }
}

export default {
  fetch: (request, env) => handleRequest(request, env),
} satisfies ExportedHandler<Env>;
