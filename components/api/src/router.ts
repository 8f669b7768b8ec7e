/**
 * A small router over the runtime's URLPattern: routes are tried in order, the first whose
 * pattern matches the path wins. A path that matches with another method is a 405, one that
 * matches nothing a 404, both as JSON API errors.
 */
import { ApiError } from "./errors";

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
