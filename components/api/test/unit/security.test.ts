/**
 * Regression tests for the attack run of issue 20, each written as the request that got through.
 * ClickHouse is the fetchMock stand-in here (the round trip through a real ClickHouse is
 * test/integration/params_roundtrip.test.ts); what is checked is what the Worker answers and what
 * it would put on the wire.
 */
import { fetchMock } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { encodeParam } from "../../src/clickhouse";
import { call, CLICKHOUSE_ORIGIN, errorOf, testEnv } from "./helpers";

beforeAll(() => {
  fetchMock.activate();
  fetchMock.disableNetConnect();
});
afterEach(() => fetchMock.assertNoPendingInterceptors());

/** Every route and text parameter the attack run reached with CR/LF, a tab or a backslash. */
const TEXT_PARAMETERS: ReadonlyArray<readonly [string, string]> = [
  ["/api/costs/by-account-role", "customer"],
  ["/api/costs/trend", "customer"],
  ["/api/delta/nodes", "node_id"],
  ["/api/delta/resources", "node_id"],
  ["/api/delta/events", "resource_id"],
  ["/api/resources", "customer"],
  ["/api/resources", "cluster"],
  ["/api/resources", "role"],
  ["/api/resources", "resource_type"],
  ["/api/resources", "state"],
  ["/api/resources", "search"],
  ["/api/hierarchy/tree", "node_id"],
  ["/api/hierarchy/trend", "node_id"],
];

/** Nothing of the SQL, the ClickHouse URL, a file path or a stack trace in a client-facing body. */
function expectNoInternals(text: string): void {
  for (const leak of ["SELECT", "FROM ", "clickhouse.test", "param_", "/src/", ".ts:", "at ", "DB::Exception"]) {
    expect(text, `leaked '${leak}'`).not.toContain(leak);
  }
}

/** Captures the ClickHouse requests the Worker makes and answers each with an empty result. */
function captureClickHouse(times: number): URL[] {
  const seen: URL[] = [];
  fetchMock
    .get(CLICKHOUSE_ORIGIN)
    .intercept({ path: (p: string) => p.startsWith("/?"), method: "POST" })
    .reply((options) => {
      seen.push(new URL(`${CLICKHOUSE_ORIGIN}${options.path}`));
      return { statusCode: 200, data: JSON.stringify({ meta: [{ name: "x", type: "String" }], data: [], rows: 0 }) };
    })
    .times(times);
  return seen;
}

describe("text parameters with control characters (were 502 on 13 routes)", () => {
  for (const [path, name] of TEXT_PARAMETERS) {
    for (const value of ["a%0D%0Ab", "a%0Ab", "a%09b", "%00", "a%C2%85b"]) {
      it(`${path}?${name}=${value} is a JSON 400 and reaches no ClickHouse`, async () => {
        const response = await call(`${path}?${name}=${value}`);
        const text = await response.text();
        expect(response.status, text).toBe(400);
        expect(response.headers.get("content-type")).toContain("application/json");
        const body = JSON.parse(text) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("bad_request");
        expect(body.error.message).toBe(`parameter '${name}' must not contain control characters (tab, line breaks, ...)`);
        expectNoInternals(text);
      });
    }
  }
});

describe("backslashes and \\N are bound as the literal text (the filter was widened)", () => {
  it("customer=%5CN reaches ClickHouse as the two characters backslash and N", async () => {
    const seen = captureClickHouse(1);
    const response = await call("/api/costs/by-account-role?start=2026-01-01&end=2026-02-01&customer=%5CN");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { params: Record<string, string> };
    expect(body.params.customer).toBe("\\N");
    // On the wire: `\\N`, which ClickHouse's escaped form reads back as `\N`, not NULL/''.
    expect(seen[0]?.searchParams.get("param_customer")).toBe("\\\\N");
  });

  it("node_id=x%5C (a trailing backslash) is escaped, not an unterminated escape sequence", async () => {
    const seen = captureClickHouse(2); // the query, then the node_exists lookup for the empty answer
    const response = await call("/api/hierarchy/trend?start=2026-01-01&end=2026-02-01&node_id=x%5C");
    expect(seen[0]?.searchParams.get("param_node_id")).toBe("x\\\\");
    expect(response.status).toBe(404);
    expectNoInternals(await response.text());
  });

  it("encodeParam escapes backslash, tab, line feed, carriage return and NUL, nothing else", () => {
    expect(encodeParam("\\N")).toBe("\\\\N");
    expect(encodeParam("a\tb\nc\rd\0e\\")).toBe("a\\tb\\nc\\rd\\0e\\\\");
    expect(encodeParam("it's `x` \"y\" é 🙂 %20")).toBe("it's `x` \"y\" é 🙂 %20");
    expect(encodeParam(42)).toBe("42");
  });
});

describe("request line", () => {
  it("an encoded-backslash traversal to another route is a JSON 400", async () => {
    const response = await call("/api/costs/by-customer%5C..%5C..%5Chealth");
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("bad_request");
  });

  it("an encoded slash or an empty segment is a JSON 400", async () => {
    for (const path of ["/api/costs%2Fby-customer", "/api//health", "/api/health%00"]) {
      const response = await call(path);
      expect(response.status, path).toBe(400);
    }
  });

  it("a raw backslash never reaches the Worker as such: the runtime's URL parser turns it into /", () => {
    // Documented in docs/security.md: the refusal for raw backslashes cannot live in the Worker.
    expect(new URL("http://127.0.0.1:8787/api/costs/by-customer\\..\\..\\health").pathname).toBe("/api/health");
  });

  for (const method of ["PROPFIND", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "POST"]) {
    it(`${method} on any path is a JSON 405 with Allow, before authentication`, async () => {
      for (const path of ["/api/costs/by-customer", "/api/no-such-route"]) {
        const response = await call(path, testEnv({ POLO_AUTH_DEV_BYPASS: "0" }), { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get("allow")).toBe("GET, HEAD");
        expect(response.headers.get("content-type")).toContain("application/json");
        if (method !== "HEAD") expect((await errorOf(response)).code).toBe("method_not_allowed");
      }
    });
  }
});

describe("dev bypass: deny by default, case-insensitive, loopback only", () => {
  for (const environment of ["Production", "PRODUCTION", " production ", "staging", "Staging", "prod", "", undefined]) {
    it(`POLO_AUTH_DEV_BYPASS=1 with POLO_ENV=${JSON.stringify(environment)} refuses every request`, async () => {
      const response = await call("/api/openapi.json", testEnv({ POLO_ENV: environment, POLO_AUTH_DEV_BYPASS: "1" }));
      expect(response.status).toBe(500);
      expect(await errorOf(response)).toEqual({
        code: "misconfigured",
        message: "POLO_AUTH_DEV_BYPASS=1 is only allowed when POLO_ENV is development (local wrangler dev); refusing to serve",
      });
    });
  }

  it("POLO_ENV=Development (any case) on a loopback host is let in", async () => {
    for (const origin of ["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787"]) {
      const response = await call("/api/openapi.json", testEnv({ POLO_ENV: "Development", POLO_AUTH_DEV_BYPASS: "1" }), {}, origin);
      expect(response.status, origin).toBe(200);
    }
  });

  it("the bypass does not answer a deployed or DNS-rebound host name", async () => {
    for (const origin of ["https://polo-api-staging.example.workers.dev", "http://rebind.attacker.example:8787"]) {
      const response = await call("/api/openapi.json", testEnv({ POLO_ENV: "development", POLO_AUTH_DEV_BYPASS: "1" }), {}, origin);
      expect(response.status, origin).toBe(403);
      expect((await errorOf(response)).code).toBe("forbidden");
    }
  });
});
