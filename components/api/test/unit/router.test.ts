import { fetchMock } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors";
import { buildRouter } from "../../src/index";
import { Router } from "../../src/router";
import { call, errorOf } from "./helpers";

beforeAll(() => {
  fetchMock.activate();
  fetchMock.disableNetConnect();
});
afterEach(() => fetchMock.assertNoPendingInterceptors());

describe("Router", () => {
  const router = new Router<unknown>()
    .get("/api/things", () => new Response("list"))
    .get("/api/things/:id", ({ params }) => new Response(`thing ${params.id}`))
    .add("POST", "/api/things", () => new Response("created"));

  const run = async (method: string, path: string) =>
    router.handle(new Request(`https://polo.test${path}`, { method }), {});

  it("dispatches on path and method, first match wins", async () => {
    expect(await (await run("GET", "/api/things")).text()).toBe("list");
    expect(await (await run("POST", "/api/things")).text()).toBe("created");
  });

  it("captures named groups", async () => {
    expect(await (await run("GET", "/api/things/i-0abc")).text()).toBe("thing i-0abc");
  });

  it("ignores the query string when matching", async () => {
    expect(await (await run("GET", "/api/things?x=1")).text()).toBe("list");
  });

  it("answers HEAD with the GET handler", async () => {
    expect((await run("HEAD", "/api/things")).status).toBe(200);
  });

  it("raises 405 naming the allowed methods for a known path", async () => {
    const error = await run("DELETE", "/api/things").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(405);
    expect((error as ApiError).message).toContain("GET, POST");
  });

  it("raises 404 for an unknown path, including near misses", async () => {
    for (const path of ["/api/thing", "/api/things/a/b", "/"]) {
      const error = await run("GET", path).catch((e: unknown) => e);
      expect((error as ApiError).status, path).toBe(404);
    }
  });
});

describe("Worker routes", () => {
  it("registers every documented endpoint", () => {
    const router = buildRouter();
    for (const path of [
      "/api/health",
      "/api/openapi.json",
      "/api/costs/by-customer",
      "/api/costs/by-account-role",
      "/api/costs/trend",
      "/api/delta/nodes",
      "/api/delta/resources",
      "/api/delta/events",
      "/api/resources",
      "/api/hierarchy/tree",
      "/api/hierarchy/trend",
      "/api/coverage",
    ]) {
      expect(() => router.match(new Request(`https://polo.test${path}`)), path).not.toThrow();
    }
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await call("/api/costs/by-planet");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(await errorOf(response)).toEqual({ code: "not_found", message: "no API route matches /api/costs/by-planet" });
  });

  it("answers a wrong method with a JSON 405", async () => {
    const response = await call("/api/coverage", undefined, { method: "POST", body: "{}" });
    expect(response.status).toBe(405);
    expect((await errorOf(response)).code).toBe("method_not_allowed");
  });

  it("serves the OpenAPI document without touching ClickHouse", async () => {
    const response = await call("/api/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    const doc = (await response.json()) as { openapi: string };
    expect(doc.openapi).toBe("3.1.0");
  });
});
