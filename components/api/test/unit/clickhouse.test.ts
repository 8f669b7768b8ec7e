import { fetchMock } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildRequest, clickhouseErrorCode, configFromEnv, queryJson, withFormat, type ClickHouseConfig } from "../../src/clickhouse";
import { ApiError } from "../../src/errors";
import { call, CLICKHOUSE_ORIGIN, errorOf, testEnv } from "./helpers";

beforeAll(() => {
  fetchMock.activate();
  fetchMock.disableNetConnect();
});
afterEach(() => fetchMock.assertNoPendingInterceptors());

const SECRET_SQL_FRAGMENT = "FROM polo.cost_attributed_daily";
const config: ClickHouseConfig = {
  url: `${CLICKHOUSE_ORIGIN}/`,
  user: "polo_reader",
  password: "s3cret-pw",
  database: "polo",
  timeoutMs: 5000,
};

/** Any POST to the ClickHouse stand-in: only for faults that a real server cannot be made to produce on demand. */
function clickhouseAnswers(status: number, body: string, headers: Record<string, string> = {}) {
  return fetchMock.get(CLICKHOUSE_ORIGIN).intercept({ path: (p: string) => p.startsWith("/?"), method: "POST" }).reply(status, body, { headers });
}

describe("request building", () => {
  it("binds values as param_ URL parameters and leaves the SQL untouched", async () => {
    const hostile = "x'); DROP TABLE cost_daily; --";
    const sql = "SELECT count() FROM t WHERE customer = {customer:String} AND day >= {start:Date}";
    const request = buildRequest(config, { name: "q", sql, params: { customer: hostile, start: "2026-01-01" } }, "JSON");
    const url = new URL(request.url);
    expect(url.searchParams.get("param_customer")).toBe(hostile);
    expect(url.searchParams.get("param_start")).toBe("2026-01-01");
    expect(await request.text()).toBe(`${sql}\nFORMAT JSON`);
  });

  it("asks for decimals as strings and for errors before data", () => {
    const url = new URL(buildRequest(config, { name: "q", sql: "SELECT 1", params: {} }, "JSON").url);
    expect(url.searchParams.get("output_format_json_quote_decimals")).toBe("1");
    expect(url.searchParams.get("output_format_json_quote_64bit_integers")).toBe("1");
    expect(url.searchParams.get("wait_end_of_query")).toBe("1");
    expect(url.searchParams.get("max_execution_time")).toBe("4");
    expect(url.searchParams.get("database")).toBe("polo");
  });

  it("sends credentials as X-ClickHouse headers, never in the URL", () => {
    const request = buildRequest(config, { name: "q", sql: "SELECT 1", params: {} }, "JSON");
    expect(request.headers.get("x-clickhouse-user")).toBe("polo_reader");
    expect(request.headers.get("x-clickhouse-key")).toBe("s3cret-pw");
    expect(request.headers.get("authorization")).toBeNull();
    expect(request.url).not.toContain("s3cret-pw");
  });

  it("puts FORMAT after a trailing semicolon or line comment", () => {
    expect(withFormat("SELECT 1;\n", "JSON")).toBe("SELECT 1\nFORMAT JSON");
    expect(withFormat("SELECT 1 -- one", "JSON")).toBe("SELECT 1 -- one\nFORMAT JSON");
  });

  it("reads credentials and database from a Python-style URL, secrets winning", () => {
    const parsed = configFromEnv({ CLICKHOUSE_URL: "http://alice:pw%40x@127.0.0.1:8123/polo_dev" });
    expect(parsed).toMatchObject({ url: "http://127.0.0.1:8123/", user: "alice", password: "pw@x", database: "polo_dev" });
    const overridden = configFromEnv({ CLICKHOUSE_URL: "http://alice:pw@h:8123/db", CLICKHOUSE_USER: "bob", CLICKHOUSE_PASSWORD: "k" });
    expect(overridden).toMatchObject({ user: "bob", password: "k" });
    expect(configFromEnv({ CLICKHOUSE_URL: "http://127.0.0.1:8123" }).database).toBe("polo");
  });

  it("rejects unusable configuration with a clear message", () => {
    expect(() => configFromEnv({})).toThrow("CLICKHOUSE_URL is not configured");
    expect(() => configFromEnv({ CLICKHOUSE_URL: "chdb:///tmp/x" })).toThrow("must be an http(s) URL");
    expect(() => configFromEnv({ CLICKHOUSE_URL: "http://h", CLICKHOUSE_TIMEOUT_MS: "soon" })).toThrow("positive integer");
  });

  it("extracts the code from a ClickHouse exception body", () => {
    expect(clickhouseErrorCode("Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE)")).toBe(60);
    expect(clickhouseErrorCode("Bad gateway")).toBeUndefined();
  });
});

describe("fault mapping", () => {
  const leaks = (message: string) =>
    ["DB::Exception", "SELECT", SECRET_SQL_FRAGMENT, "s3cret-pw", "polo_reader", "clickhouse.test"].filter((s) => message.includes(s));

  it("maps a ClickHouse exception to 502 without leaking SQL, server text or credentials", async () => {
    clickhouseAnswers(500, `Code: 47. DB::Exception: Missing columns in query SELECT secret ${SECRET_SQL_FRAGMENT}. (UNKNOWN_IDENTIFIER)`, {
      "x-clickhouse-exception-code": "47",
    });
    const error = (await queryJson(config, { name: "costs_by_customer", sql: "SELECT 1", params: {} }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code]).toEqual([502, "clickhouse_error"]);
    expect(error.message).toBe("ClickHouse failed to run query 'costs_by_customer' (ClickHouse error 47)");
    expect(leaks(error.message)).toEqual([]);
  });

  it("maps ClickHouse's own timeout (code 159) to 504", async () => {
    clickhouseAnswers(500, "Code: 159. DB::Exception: Timeout exceeded: elapsed 9.1 seconds, maximum: 9. (TIMEOUT_EXCEEDED)");
    const error = (await queryJson(config, { name: "delta_nodes", sql: "SELECT 1", params: {} }).catch((e: unknown) => e)) as ApiError;
    expect([error.status, error.code]).toEqual([504, "clickhouse_timeout"]);
  });

  it("maps a proxy's 503 without a ClickHouse body to 502", async () => {
    clickhouseAnswers(503, "<html>Service Unavailable</html>");
    const error = (await queryJson(config, { name: "coverage", sql: "SELECT 1", params: {} }).catch((e: unknown) => e)) as ApiError;
    expect([error.status, error.message]).toEqual([502, "ClickHouse failed to run query 'coverage' (HTTP 503)"]);
  });

  // The mock's delay ignores the abort signal, so this proves the mapping, not the prompt abort;
  // the integration suite times out against a real socket that never answers.
  it("maps a query that outlives the timeout to 504", async () => {
    clickhouseAnswers(200, '{"meta":[],"data":[]}').delay(400);
    const error = (await queryJson({ ...config, timeoutMs: 200 }, { name: "resources", sql: "SELECT 1", params: {} }).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect([error.status, error.code]).toEqual([504, "clickhouse_timeout"]);
    expect(error.message).toBe("ClickHouse did not answer query 'resources' within 200 ms");
  });

  it("maps an unreachable server to 502 clickhouse_unavailable", async () => {
    fetchMock.get(CLICKHOUSE_ORIGIN).intercept({ path: (p: string) => p.startsWith("/?"), method: "POST" }).replyWithError(new Error("ECONNREFUSED"));
    const error = (await queryJson(config, { name: "freshness", sql: "SELECT 1", params: {} }).catch((e: unknown) => e)) as ApiError;
    expect([error.status, error.code]).toEqual([502, "clickhouse_unavailable"]);
    expect(leaks(error.message)).toEqual([]);
  });

  it("answers an endpoint's ClickHouse failure as a JSON 502 through the Worker", async () => {
    clickhouseAnswers(500, `Code: 60. DB::Exception: Unknown table expression identifier 'polo.cost_by_owner_daily'. (UNKNOWN_TABLE)`);
    const response = await call("/api/costs/by-customer?start=2026-01-01&end=2026-02-01", testEnv({ CLICKHOUSE_PASSWORD: "s3cret-pw" }));
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error.code).toBe("clickhouse_error");
    expect(leaks(error.message)).toEqual([]);
  });

  it("reports health 503 when ClickHouse is unreachable", async () => {
    fetchMock.get(CLICKHOUSE_ORIGIN).intercept({ path: (p: string) => p.startsWith("/?"), method: "POST" }).replyWithError(new Error("ECONNREFUSED"));
    const response = await call("/api/health");
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "unavailable", clickhouse: { reachable: false }, error: { code: "clickhouse_unavailable" } });
  });
});
