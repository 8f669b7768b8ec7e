import { fetchMock } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { addDays, daysBetween, MAX_PAGE_SIZE, parseDate } from "../../src/params";
import { bindParams, QUERIES } from "../../src/queries/registry";
import { call, errorOf } from "./helpers";

// No interceptor is registered here: a request that got past validation would hit the network,
// which is disabled, and come back as a 502 instead of the 400 these tests expect.
beforeAll(() => {
  fetchMock.activate();
  fetchMock.disableNetConnect();
});
afterEach(() => fetchMock.assertNoPendingInterceptors());

async function expect400(path: string, messagePart: string): Promise<void> {
  const response = await call(path);
  const error = await errorOf(response);
  expect(response.status, `${path}: ${error.message}`).toBe(400);
  expect(error.code).toBe("bad_request");
  expect(error.message).toContain(messagePart);
}

describe("every 400 case", () => {
  it.each([
    ["/api/costs/by-customer?start=2026-1-01&end=2026-02-01", "must be a date as YYYY-MM-DD"],
    ["/api/costs/by-customer?start=yesterday&end=2026-02-01", "must be a date as YYYY-MM-DD"],
    ["/api/costs/by-customer?start=2026-01-01T00:00:00Z&end=2026-02-01", "must be a date as YYYY-MM-DD"],
    ["/api/costs/by-customer?start=2026-02-30&end=2026-03-10", "is not a calendar date"],
    ["/api/costs/by-customer?start=2025-02-29&end=2025-03-10", "is not a calendar date"],
    ["/api/costs/by-customer?start=1969-12-01&end=1970-01-02", "must be between 1970-01-01 and 2149-06-06"],
  ])("malformed date %s", (path, message) => expect400(path, message));

  it("reversed window", () => expect400("/api/costs/trend?start=2026-03-01&end=2026-02-01", "must be before 'end'"));
  it("empty window (end is exclusive)", () => expect400("/api/coverage?start=2026-03-01&end=2026-03-01", "must be before 'end'"));
  it("window longer than 366 days", () =>
    expect400("/api/costs/by-customer?start=2025-01-01&end=2026-01-03", "spans 367 days; the maximum is 366"));
  it("reversed base window of a delta", () =>
    expect400(
      "/api/delta/nodes?base_start=2026-02-08&base_end=2026-02-01&compare_start=2026-02-08&compare_end=2026-02-15",
      "'base_start' (2026-02-08) must be before 'base_end'",
    ));
  it("oversized compare window of a delta", () =>
    expect400(
      "/api/delta/resources?base_start=2025-01-01&base_end=2025-01-08&compare_start=2024-01-01&compare_end=2026-01-02",
      "window 'compare_start'..'compare_end' spans",
    ));
  it("an explicit start after the default end (today)", () =>
    expect400("/api/coverage?start=2149-01-01", "must be before 'end'"));

  it("delta windows that overlap", () =>
    expect400(
      "/api/delta/nodes?base_start=2026-01-01&base_end=2026-02-02&compare_start=2026-02-01&compare_end=2026-03-01",
      "the windows must not overlap (base_start..base_end = 2026-01-01..2026-02-02, compare_start..compare_end = 2026-02-01..2026-03-01)",
    ));
  it("unknown delta view", () =>
    expect400("/api/delta/resources?normalise=weekly", "'normalise' must be one of none, daily"));
  it.each(["/api/delta/nodes", "/api/delta/resources"])("unknown cost basis of %s", (path) =>
    expect400(`${path}?basis=bogus`, "'basis' must be one of effective, billed"));
  it("a cost basis on delta/charges, which answers both", () =>
    expect400("/api/delta/charges?basis=billed", "unknown parameter 'basis'"));
  it("delta_resources page size above the maximum", () =>
    expect400("/api/delta/resources?limit=1001", "'limit' must be between 1 and 1000"));
  it("unknown hierarchy", () => expect400("/api/hierarchy/tree?hierarchy=financial", "'hierarchy' must be one of logical, physical"));
  it("unknown sort column", () => expect400("/api/resources?sort=password", "'sort' must be one of"));
  it("sort by an SQL fragment", () => expect400("/api/resources?sort=cost%3B%20DROP%20TABLE%20x", "'sort' must be one of"));
  it("unknown direction", () => expect400("/api/resources?direction=sideways", "'direction' must be one of asc, desc"));
  it("unknown format", () => expect400("/api/resources?format=xlsx", "'format' must be one of json, csv"));
  it("csv on an endpoint without export", () => expect400("/api/coverage?format=csv", "'format' must be one of json"));

  it(`page size above ${MAX_PAGE_SIZE}`, () => expect400("/api/resources?limit=1001", "'limit' must be between 1 and 1000"));
  it("page size zero", () => expect400("/api/resources?limit=0", "'limit' must be between 1 and 1000"));
  it("negative offset", () => expect400("/api/resources?offset=-5", "'offset' must be a whole number"));
  it("fractional limit", () => expect400("/api/resources?limit=2.5", "'limit' must be a whole number"));
  it("csv export larger than its cap", () => expect400("/api/resources?format=csv&limit=100001", "'limit' must be between 1 and 100000"));

  it("unknown parameter (a typo must not widen the result)", () =>
    expect400("/api/costs/by-account-role?custmer=acme", "unknown parameter 'custmer'"));
  it("repeated parameter", () => expect400("/api/costs/by-account-role?customer=a&customer=b", "'customer' is given more than once"));
  it("missing required resource_id", () => expect400("/api/delta/events?start=2026-01-01&end=2026-02-01", "'resource_id' is required"));
  it("empty required resource_id", () => expect400("/api/delta/events?resource_id=", "'resource_id' is required"));
  it("account id of the wrong shape", () => expect400("/api/resources?account_id=12345", "a 12-digit AWS account id"));
  it("overlong text filter", () => expect400(`/api/resources?search=${"x".repeat(257)}`, "longer than 256 characters"));
});

describe("bindParams", () => {
  const today = "2026-03-15";

  it("fills defaults: a 30-day window ending today (exclusive)", () => {
    expect(bindParams(QUERIES.costs_by_customer, new URLSearchParams(), today)).toEqual({
      end: "2026-03-15",
      start: "2026-02-13",
    });
  });

  it("derives start from an explicit end", () => {
    const bound = bindParams(QUERIES.coverage, new URLSearchParams("end=2026-01-31"), today);
    expect(bound).toEqual({ end: "2026-01-31", start: "2026-01-01" });
  });

  it("defaults delta windows to the last 7 days against the 7 before", () => {
    expect(bindParams(QUERIES.delta_nodes, new URLSearchParams(), today)).toEqual({
      compare_end: "2026-03-15",
      compare_start: "2026-03-08",
      base_end: "2026-03-08",
      base_start: "2026-03-01",
      hierarchy: "logical",
      node_id: "",
      normalise: "none",
      basis: "effective",
    });
  });

  it("gives the base window the compare window's length by default", () => {
    const bound = bindParams(QUERIES.delta_nodes, new URLSearchParams("compare_start=2026-02-01&compare_end=2026-03-01"), today);
    expect([bound.base_start, bound.base_end]).toEqual(["2026-01-04", "2026-02-01"]);
  });

  it("defaults resources paging, sorting and filters", () => {
    expect(bindParams(QUERIES.resources, new URLSearchParams("customer=acme&limit=25"), today)).toEqual({
      as_of: "2026-03-14",
      customer: "acme",
      cluster: "",
      role: "",
      account_id: "",
      resource_type: "",
      state: "",
      search: "",
      sort: "cost",
      direction: "desc",
      limit: 25,
      offset: 0,
    });
  });

  it("passes hostile text through untouched, as a value to bind", () => {
    const bound = bindParams(QUERIES.resources, new URLSearchParams({ search: "' OR 1=1 --" }), today);
    expect(bound.search).toBe("' OR 1=1 --");
  });

  it("accepts a window of exactly 366 days", () => {
    expect(() => bindParams(QUERIES.coverage, new URLSearchParams("start=2024-01-01&end=2025-01-01"), today)).not.toThrow();
  });
});

describe("date helpers", () => {
  it("handles leap days and month ends", () => {
    expect(parseDate("d", "2024-02-29")).toBe("2024-02-29");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(daysBetween("2024-01-01", "2025-01-01")).toBe(366);
  });
});
