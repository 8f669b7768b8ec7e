/**
 * How long a browser may reuse an answer (Cache-Control), and the dashboard's one-request summary's
 * windows. ClickHouse is the fetchMock stand-in; the round trip through a real ClickHouse and the
 * equality with the separate endpoints are in test/integration/endpoints.test.ts.
 */
import { fetchMock } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cacheControl, FRESH_SECONDS, SETTLED_SECONDS } from "../../src/endpoints";
import { bindParams, QUERIES } from "../../src/queries/registry";
import { todayUtc } from "../../src/params";
import { call, CLICKHOUSE_ORIGIN, errorOf } from "./helpers";

beforeAll(() => {
  fetchMock.activate();
  fetchMock.disableNetConnect();
});
afterEach(() => fetchMock.assertNoPendingInterceptors());

function clickhouseAnswersEmpty(times = 1): void {
  fetchMock
    .get(CLICKHOUSE_ORIGIN)
    .intercept({ path: (p: string) => p.startsWith("/?"), method: "POST" })
    .reply(200, JSON.stringify({ meta: [{ name: "x", type: "String" }], data: [], rows: 0 }))
    .times(times);
}

const TODAY = "2026-12-06";
const fresh = `private, max-age=${FRESH_SECONDS}`;
const settled = `private, max-age=${SETTLED_SECONDS}`;

describe("Cache-Control of a query's answer", () => {
  const bind = (name: keyof typeof QUERIES, qs: string) => bindParams(QUERIES[name], new URLSearchParams(qs), TODAY);

  it("a window that reaches into the last week is reused only briefly", () => {
    expect(cacheControl(QUERIES.coverage, bind("coverage", "start=2026-11-06&end=2026-12-06"), TODAY)).toBe(fresh);
    expect(cacheControl(QUERIES.coverage, bind("coverage", "start=2026-11-01&end=2026-11-30"), TODAY)).toBe(fresh);
  });

  it("a window that ended a week ago or more is reused for longer", () => {
    expect(cacheControl(QUERIES.coverage, bind("coverage", "start=2026-11-01&end=2026-11-29"), TODAY)).toBe(settled);
  });

  it("every window of a delta must be settled", () => {
    const recent = bind("delta_nodes", "base_start=2026-10-01&base_end=2026-11-01&compare_start=2026-11-01&compare_end=2026-12-01");
    expect(cacheControl(QUERIES.delta_nodes, recent, TODAY)).toBe(fresh);
    const old = bind("delta_nodes", "base_start=2026-09-01&base_end=2026-10-01&compare_start=2026-10-01&compare_end=2026-11-01");
    expect(cacheControl(QUERIES.delta_nodes, old, TODAY)).toBe(settled);
  });

  it("a query without windows (the inventory as of a day) is reused only briefly", () => {
    expect(cacheControl(QUERIES.resources, bind("resources", "as_of=2026-01-01"), TODAY)).toBe(fresh);
  });

  it("is sent with the answer through the Worker, and errors are never stored", async () => {
    clickhouseAnswersEmpty();
    const ok = await call("/api/coverage?start=2020-01-01&end=2020-02-01");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe(settled);
    const bad = await call("/api/coverage?start=2020-02-01&end=2020-01-01");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("cache-control")).toBe("no-store");
  });

  it("health is never stored: it must say when the API or ClickHouse went away", async () => {
    fetchMock.get(CLICKHOUSE_ORIGIN).intercept({ path: (p: string) => p.startsWith("/?"), method: "POST" }).reply(503, "down");
    const response = await call("/api/health");
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("dashboard summary", () => {
  it("compares with the window of the same length right before by default", () => {
    const params = bindParams(QUERIES.dashboard_summary, new URLSearchParams("start=2026-11-06&end=2026-12-06"), TODAY);
    expect([params.previous_start, params.previous_end]).toEqual(["2026-10-07", "2026-11-06"]);
    const week = bindParams(QUERIES.dashboard_summary, new URLSearchParams("start=2026-11-29&end=2026-12-06"), TODAY);
    expect([week.previous_start, week.previous_end]).toEqual(["2026-11-22", "2026-11-29"]);
  });

  it("refuses a reversed window with the same message as the other window endpoints, before ClickHouse", async () => {
    const response = await call("/api/dashboard?start=2026-03-10&end=2026-03-01");
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain("'start' (2026-03-10) must be before 'end' (2026-03-01)");
  });

  it("refuses a previous window that overlaps the window", async () => {
    const response = await call("/api/dashboard?start=2026-11-06&end=2026-12-06&previous_start=2026-11-01&previous_end=2026-11-10");
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain("must not overlap");
  });

  it("binds both windows in one ClickHouse query", async () => {
    const seen: URL[] = [];
    fetchMock
      .get(CLICKHOUSE_ORIGIN)
      .intercept({ path: (p: string) => p.startsWith("/?"), method: "POST" })
      .reply((options) => {
        seen.push(new URL(`${CLICKHOUSE_ORIGIN}${options.path}`));
        return { statusCode: 200, data: JSON.stringify({ meta: [{ name: "section", type: "String" }], data: [], rows: 0 }) };
      });
    const response = await call(`/api/dashboard?start=2026-11-06&end=${todayUtc()}&previous_start=2026-10-01&previous_end=2026-11-01`);
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.searchParams.get("param_previous_start")).toBe("2026-10-01");
    expect(seen[0]!.searchParams.get("param_previous_end")).toBe("2026-11-01");
    expect(response.headers.get("cache-control")).toBe(fresh);
  });
});
