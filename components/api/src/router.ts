/**
 * A small router over the runtime's URLPattern: routes are tried in order, the first whose
 * pattern matches the path wins. A path that matches with another method is a 405, one that
 * matches nothing a 404, both as JSON API errors.
 *
 * Paths that only make sense as an attempt at path confusion are refused with 400 before any
 * route is tried: encoded backslashes, encoded slashes, encoded NULs and empty segments. (A raw
 * backslash never reaches the Worker: the runtime parses the request target as a WHATWG URL,
 * which turns `\` into `/` and resolves `..` first, exactly as Cloudflare's edge normalises URLs
 * before Access evaluates them; see docs/security.md.)
 */
import { ApiError, badRequest } from "./errors";

/** Methods any API route answers; everything else is a 405 on any path. */
export const ALLOWED_METHODS = ["GET", "HEAD"] as const;

const CONFUSING_PATH = /%5c|%2f|%00|\\|\/\//i;

/** Throws the 400 for a path that hides separators, or the 405 for a method no route answers. */
export function checkRequestLine(request: Request, url: URL = new URL(request.url)): void {
  if (CONFUSING_PATH.test(url.pathname)) {
    throw badRequest("the path must not contain encoded slashes or backslashes, NULs or empty segments");
  }
  if (!(ALLOWED_METHODS as readonly string[]).includes(request.method)) {
    throw new ApiError(405, "method_not_allowed", `${truncateMethod(request.method)} is not allowed; the API answers ${ALLOWED_METHODS.join(", ")}`);
  }
}

function truncateMethod(method: string): string {
  return method.length > 20 ? `${method.slice(0, 20)}...` : method;
}

export interface RouteContext<E> {
  request: Request;
  url: URL;
  env: E;
  /** Named groups captured by the pattern, e.g. `{id}` for `/api/things/:id`. */
  params: Record<string, string>;
}

export type Handler<E> = (context: RouteContext<E>) => Promise<Response> | Response;

interface Route<E> {
  method: string;
  pattern: URLPattern;
  handler: Handler<E>;
}

export class Router<E> {
  private readonly routes: Route<E>[] = [];

  add(method: string, pathname: string, handler: Handler<E>): this {
    this.routes.push({ method: method.toUpperCase(), pattern: new URLPattern({ pathname }), handler });
    return this;
  }

  get(pathname: string, handler: Handler<E>): this {
    return this.add("GET", pathname, handler);
  }

  /** Finds the handler for a request, or throws the 404/405 ApiError. */
  match(request: Request, url: URL = new URL(request.url)): { handler: Handler<E>; params: Record<string, string> } {
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const result = route.pattern.exec({ pathname: url.pathname });
      if (!result) continue;
      // HEAD is answered by the GET handler; the runtime drops the body.
      if (route.method === request.method || (route.method === "GET" && request.method === "HEAD")) {
        const params: Record<string, string> = {};
        for (const [key, value] of Object.entries(result.pathname.groups)) {
          if (value !== undefined) params[key] = value;
        }
        return { handler: route.handler, params };
      }
      allowed.add(route.method);
    }
    if (allowed.size > 0) {
      throw new ApiError(405, "method_not_allowed", `${request.method} is not allowed on ${url.pathname}; use ${[...allowed].join(", ")}`);
    }
    throw new ApiError(404, "not_found", `no API route matches ${url.pathname}`);
  }

  async handle(request: Request, env: E): Promise<Response> {
    const url = new URL(request.url);
    const { handler, params } = this.match(request, url);
    return handler({ request, url, env, params });
  }
}
