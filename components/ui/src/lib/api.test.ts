import { ApiError, apiGet, nodeLabel, queryString, type Fetch } from "./api";

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
