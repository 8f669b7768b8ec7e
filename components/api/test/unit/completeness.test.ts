import { fetchMock } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { dataEnd, deltaWindows } from "../../src/completeness";
import { call, CLICKHOUSE_ORIGIN } from "./helpers";

beforeAll(() => {
  fetchMock.activate();
  fetchMock.disableNetConnect();
});
afterEach(() => fetchMock.assertNoPendingInterceptors());

const week = { base_start: "2026-11-21", base_end: "2026-11-28", compare_start: "2026-11-28", compare_end: "2026-12-05" };

describe("deltaWindows", () => {
  it("flags a compare window that reaches past the last cost day, with its day counts", () => {
    const windows = deltaWindows(week, {
      last_cost_day: "2026-12-01",
      base_days_with_cost: "7",
      base_provisional_days: "0",
      compare_days_with_cost: "4",
      compare_provisional_days: "2",
    });
    expect(windows.complete).toBe(false);
    expect(windows.base).toEqual({
      start: "2026-11-21",
      end: "2026-11-28",
      days: 7,
      days_with_cost: 7,
      provisional_days: 0,
      days_after_last_cost_day: 0,
      complete: true,
    });
    expect(windows.compare).toMatchObject({ days: 7, days_with_cost: 4, provisional_days: 2, days_after_last_cost_day: 3, complete: false });
    expect(windows.note).toBe(
      "compare window 2026-11-28..2026-12-05 has cost data on 4 of 7 days (3 after the last cost day, 2026-12-01): " +
        "the delta is partly missing data, not only a change in cost",
    );
  });

  it("says nothing when both windows hold cost on every day, provisional days included", () => {
    const windows = deltaWindows(week, {
      last_cost_day: "2026-12-04",
      base_days_with_cost: 7,
      base_provisional_days: 0,
      compare_days_with_cost: 7,
      compare_provisional_days: 2,
    });
    expect([windows.complete, windows.note, windows.compare.provisional_days]).toEqual([true, null, 2]);
  });

  it("flags a base window with a gap (a collector that stopped) though it ends before the last cost day", () => {
    const windows = deltaWindows(week, { last_cost_day: "2026-12-04", base_days_with_cost: 5, compare_days_with_cost: 7 });
    expect([windows.base.complete, windows.base.days_after_last_cost_day, windows.compare.complete]).toEqual([false, 0, true]);
  });

  it("counts every day as missing when there is no cost data at all", () => {
    const windows = deltaWindows(week, { last_cost_day: null, base_days_with_cost: 0, compare_days_with_cost: 0 });
    expect([windows.last_cost_day, windows.compare.days_after_last_cost_day, windows.complete]).toEqual([null, 7, false]);
  });

  it("default windows end the day after the last cost day, or today without data", () => {
    expect(dataEnd("2026-12-01", "2026-12-06")).toBe("2026-12-02");
    expect(dataEnd(null, "2026-12-06")).toBe("2026-12-06");
  });
});

/** Answers the Worker's ClickHouse requests by what they ask (the SQL is the POST body). */
function clickhouse(answers: { match: string; rows: Record<string, unknown>[] }[]): string[] {
  const asked: string[] = [];
  fetchMock
    .get(CLICKHOUSE_ORIGIN)
    .intercept({ path: (p: string) => p.startsWith("/?"), method: "POST" })
    .reply((options) => {
      const sql = String(options.body);
      const answer = answers.find((a) => sql.includes(a.match));
      asked.push(answer ? answer.match : sql.slice(0, 40));
      const rows = answer?.rows ?? [];
      return { statusCode: 200, data: JSON.stringify({ meta: [{ name: "x", type: "String" }], data: rows, rows: rows.length }) };
    })
    .times(answers.length);
  return asked;
}

describe("delta answers", () => {
  it("default windows end with the last cost day, and the answer states each window's completeness", async () => {
    const asked = clickhouse([
      { match: "SELECT if(count() = 0, NULL, max(charge_date)) AS last_cost_day FROM cost_by_owner_daily", rows: [{ last_cost_day: "2026-12-01" }] },
      { match: "AS compare_provisional_days", rows: [{ last_cost_day: "2026-12-01", base_days_with_cost: 7, base_provisional_days: 0, compare_days_with_cost: 7, compare_provisional_days: 2 }] },
      { match: "cost_delta_weeks", rows: [{ node_id: "customer:acme", total_rows: 1 }] },
    ]);
    const response = await call("/api/delta/nodes");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { params: Record<string, string>; windows: ReturnType<typeof deltaWindows> };
    expect(asked[0]).toBe("SELECT if(count() = 0, NULL, max(charge_date)) AS last_cost_day FROM cost_by_owner_daily");
    expect([body.params.base_start, body.params.compare_start, body.params.compare_end]).toEqual(["2026-11-18", "2026-11-25", "2026-12-02"]);
    expect(body.windows.complete).toBe(true);
    expect(body.windows.compare).toMatchObject({ start: "2026-11-25", end: "2026-12-02", days_with_cost: 7, provisional_days: 2 });
  });

  it("explicit windows past the data are answered, flagged, without asking for the last cost day", async () => {
    const asked = clickhouse([
      { match: "AS compare_provisional_days", rows: [{ last_cost_day: "2026-12-01", base_days_with_cost: 7, base_provisional_days: 0, compare_days_with_cost: 4, compare_provisional_days: 2 }] },
      { match: "delta_resources", rows: [] },
    ]);
    const qs = new URLSearchParams(week).toString();
    const response = await call(`/api/delta/resources?${qs}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { windows: ReturnType<typeof deltaWindows>; page: { total: number | null } };
    expect(asked).not.toContain("SELECT if(count() = 0, NULL, max(charge_date)) AS last_cost_day FROM cost_by_owner_daily");
    expect(body.windows.complete).toBe(false);
    expect(body.windows.compare).toMatchObject({ days_with_cost: 4, days_after_last_cost_day: 3, complete: false });
    expect(body.page.total).toBeNull();
  });

  it("month to date reads its pairs once the data reaches the compare window's end, else the blocks", async () => {
    const mtd = { base_start: "2026-10-01", base_end: "2026-10-06", compare_start: "2026-11-01", compare_end: "2026-11-06" };
    const completeness = (last: string, days: number) => ({
      match: "AS compare_provisional_days",
      rows: [{ last_cost_day: last, base_days_with_cost: 5, base_provisional_days: 0, compare_days_with_cost: days, compare_provisional_days: 0 }],
    });
    for (const [last, days, table] of [
      ["2026-11-05", 5, "FROM cost_delta_roots"],
      ["2026-11-04", 4, "FROM cost_delta_blocks"],
    ] as const) {
      const asked = clickhouse([completeness(last, days), { match: table, rows: [{ node_id: "customer:acme" }] }]);
      const response = await call(`/api/delta/nodes?${new URLSearchParams(mtd).toString()}`);
      expect(response.status).toBe(200);
      // The completeness comes first: it says whether the pair exists.
      expect(asked).toEqual(["AS compare_provisional_days", table]);
      const body = (await response.json()) as { windows: ReturnType<typeof deltaWindows> };
      expect(body.windows.complete).toBe(days === 5);
    }
  });
});
