/**
 * GET /api/dashboard on the seeded dataset: each section equals what the endpoint it stands for
 * answers for the same window, value for value as the strings ClickHouse printed (the UI's dashboard
 * shows the summary; the e2e suite compares the page with those endpoints).
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { addDays, discover } from "../support/cases.mjs";

const workerUrl = inject("workerUrl");
const clickhouseUrl = inject("clickhouseUrl");

type Row = Record<string, unknown>;

async function data(path: string): Promise<{ data: Row[]; params: Record<string, string> }> {
  const response = await fetch(`${workerUrl}${path}`);
  const text = await response.text();
  expect(response.status, `${path}: ${text.slice(0, 300)}`).toBe(200);
  return JSON.parse(text);
}

/** The rows of one section with only the columns the endpoint it stands for has. */
function section(rows: Row[], name: string, like: Row[]): Row[] {
  const columns = Object.keys(like[0] ?? {});
  return rows.filter((row) => row.section === name).map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));
}

let end: string;

beforeAll(async () => {
  ({ end } = await discover(clickhouseUrl));
});

describe("dashboard summary", () => {
  // The last 30 days (previous window: the 30 before, partly without data in the demo), the last
  // week, and a month with no data at all (every day padded with zeros, coverage 100 %).
  it.each([
    ["last 30 days", 30, 0],
    ["last 7 days", 7, 0],
    ["a window before the data", 30, 400],
  ])("%s: every section equals its endpoint's answer for the same window", async (_label, days, before) => {
    const e = addDays(end, -before);
    const s = addDays(e, -days);
    const p = addDays(s, -days);
    const summary = await data(`/api/dashboard?start=${s}&end=${e}&previous_start=${p}&previous_end=${s}`);
    expect(summary.params).toMatchObject({ start: s, end: e, previous_start: p, previous_end: s });

    const current = (await data(`/api/coverage?start=${s}&end=${e}`)).data;
    const previous = (await data(`/api/coverage?start=${p}&end=${s}`)).data;
    const customers = (await data(`/api/costs/by-customer?start=${s}&end=${e}`)).data;
    const trend = (await data(`/api/costs/trend?start=${s}&end=${e}`)).data;
    const previousTrend = (await data(`/api/costs/trend?start=${p}&end=${s}`)).data;

    expect(section(summary.data, "window", current)).toEqual(current);
    expect(section(summary.data, "previous", previous)).toEqual(previous);
    expect(summary.data.filter((row) => row.section === "customer")).toHaveLength(customers.length);
    if (customers.length) expect(section(summary.data, "customer", customers)).toEqual(customers);
    expect(section(summary.data, "day", trend)).toEqual(trend);
    expect(section(summary.data, "previous_day", previousTrend)).toEqual(previousTrend);
    expect(trend).toHaveLength(days);
    if (before === 0) expect(customers.length).toBeGreaterThan(0);
  });

  it("answers a reused window from the browser's cache for a minute, never an error", async () => {
    const fresh = await fetch(`${workerUrl}/api/dashboard?start=${addDays(end, -30)}&end=${end}`);
    expect(fresh.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);
    const bad = await fetch(`${workerUrl}/api/dashboard?start=${end}&end=${addDays(end, -30)}`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get("cache-control")).toBe("no-store");
  });
});
