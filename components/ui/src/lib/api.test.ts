import { ApiError, apiGet, dashboardSummary, nodeLabel, queryString, type Fetch } from "./api";

function answer(status: number, body: string, contentType = "application/json"): Fetch {
  return async () => new Response(body, { status, headers: { "content-type": contentType } });
}

async function failure(fetch: Fetch): Promise<ApiError> {
  try {
    await apiGet("coverage", {}, { fetch });
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error("expected a failure");
}

describe("apiGet", () => {
  it("asks /api/<path> with the parameters on the page's own origin", async () => {
    const seen: string[] = [];
    const body = await apiGet<{ data: number[] }>("costs/by-customer", { start: "2026-11-01", end: "2026-12-01", skipped: undefined }, {
      fetch: async (input) => {
        seen.push(input);
        return new Response('{"data":[1]}', { status: 200 });
      },
    });
    expect(seen).toEqual(["/api/costs/by-customer?start=2026-11-01&end=2026-12-01"]);
    expect(body.data).toEqual([1]);
  });

  it("keeps the API's own message for a 400", async () => {
    const error = await failure(answer(400, '{"error":{"code":"bad_request","message":"\'start\' (2026-12-01) must be before \'end\'"}}'));
    expect(error.kind).toBe("bad_request");
    expect(error.status).toBe(400);
    expect(error.message).toBe("'start' (2026-12-01) must be before 'end'");
  });

  it("turns 401 and 403 into an auth error, with or without a JSON body", async () => {
    expect((await failure(answer(401, '{"error":{"code":"unauthenticated","message":"no token"}}'))).kind).toBe("auth");
    const html = await failure(answer(403, "<html>Access denied</html>", "text/html"));
    expect(html.kind).toBe("auth");
    expect(html.message).not.toContain("<html>");
  });

  it("reports an API that does not answer (network error, or a proxy's bare 5xx)", async () => {
    const network = await failure(async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(network.kind).toBe("unavailable");
    const proxy = await failure(answer(500, "", "text/plain"));
    expect(proxy.kind).toBe("unavailable");
    expect(proxy.message).toContain("HTTP 500");
    const gateway = await failure(answer(502, '{"error":{"code":"clickhouse_unavailable","message":"ClickHouse could not be reached"}}'));
    expect(gateway.kind).toBe("unavailable");
    expect(gateway.message).toBe("ClickHouse could not be reached");
  });

  it("labels nodes without their kind prefix", () => {
    expect(nodeLabel("")).toBe("All");
    expect(nodeLabel("customer:acme")).toBe("acme");
    expect(nodeLabel("role:acme/acme-prod/api")).toBe("api");
    expect(nodeLabel("i-0abc")).toBe("i-0abc");
    expect(queryString({})).toBe("");
  });
});

describe("dashboardSummary", () => {
  const nulls = { charge_date: null, customer: null, node_id: null, billed_cost: null, effective_cost: null, direct_effective_cost: null, shared_effective_cost: null, total_cost: null, attributed_cost: null, unattributed_cost: null, coverage_pct: null, share_pct: null, customers: null, accounts: null };
  const totals = (section: "window" | "previous", total: string) => ({ ...nulls, section, total_cost: total, attributed_cost: total, unattributed_cost: "0", coverage_pct: "100", customers: "1" });

  it("splits /api/dashboard's rows into the shapes of the endpoints they stand for, in order", () => {
    const summary = dashboardSummary([
      totals("window", "10.5"),
      totals("previous", "7"),
      { ...nulls, section: "customer", customer: "acme", node_id: "customer:acme", billed_cost: "10.5", effective_cost: "10.5", direct_effective_cost: "10.5", shared_effective_cost: "0", share_pct: "100", accounts: "1" },
      { ...nulls, section: "day", charge_date: "2026-11-02", billed_cost: "10.5", effective_cost: "10.5", attributed_cost: "10.5", unattributed_cost: "0" },
      { ...nulls, section: "previous_day", charge_date: "2026-11-01", billed_cost: "7", effective_cost: "7", attributed_cost: "7", unattributed_cost: "0" },
    ]);
    expect([summary.current.total_cost, summary.previous.total_cost]).toEqual(["10.5", "7"]);
    expect(summary.customers.map((row) => row.customer)).toEqual(["acme"]);
    expect(summary.trend.map((row) => row.charge_date)).toEqual(["2026-11-02"]);
    expect(summary.previousTrend.map((row) => row.charge_date)).toEqual(["2026-11-01"]);
  });

  it("is an error, not an empty dashboard, when a window's totals are missing", () => {
    expect(() => dashboardSummary([totals("window", "1")])).toThrow(ApiError);
  });
});
