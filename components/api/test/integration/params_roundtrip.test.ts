/**
 * Property (issue 20): any Unicode string -- control characters, backslashes and `\N` included --
 * bound by the Worker's ClickHouse client (encodeParam + buildRequest, the code the Worker runs)
 * arrives at a real ClickHouse HTTP interface unchanged, and a filter bound with it matches no
 * more rows than its literal value. The literal reference is the same string sent as hex and
 * decoded by ClickHouse (`unhex`), which no escaping can alter.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { configFromEnv, queryJson, type ClickHouseConfig } from "../../src/clickhouse";
import { discover } from "../support/cases.mjs";

const clickhouseUrl = inject("clickhouseUrl");
let config: ClickHouseConfig;
const TABLE = `roundtrip_${Date.now()}`;

/** Rows a widened filter would match: '' (what `\N` became), NULL's spelling, backslashes, separators. */
const FIXED_ROWS = ["", "\\N", "\\", "x\\", "a", "a\tb", "a\nb", "a\r\nb", "N", "\\\\N", "\0"];

function hex(value: string): string {
  return [...new TextEncoder().encode(value)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function run(sql: string, params: Record<string, string> = {}) {
  return queryJson(config, { name: "roundtrip", sql, params });
}

async function check(value: string): Promise<void> {
  const echoed = await run("SELECT {p:String} AS v", { p: value });
  expect(echoed.rows).toEqual([{ v: value }]);
  const bound = await run(`SELECT count() AS n FROM ${TABLE} WHERE ({p:String} = '' OR v = {p:String})`, { p: value });
  const literal = await run(`SELECT count() AS n FROM ${TABLE} WHERE (unhex({h:String}) = '' OR v = unhex({h:String}))`, {
    h: hex(value),
  });
  expect(bound.rows).toEqual(literal.rows);
  const expected = value === "" ? FIXED_ROWS.length : FIXED_ROWS.filter((row) => row === value).length;
  expect(Number(bound.rows[0]?.n)).toBe(expected);
}

/** A statement without a result (no FORMAT clause), for the fixture table. */
async function command(sql: string): Promise<void> {
  const url = new URL(config.url);
  url.searchParams.set("database", config.database);
  const headers: Record<string, string> = config.user ? { "x-clickhouse-user": config.user, "x-clickhouse-key": config.password ?? "" } : {};
  const response = await fetch(url, { method: "POST", body: sql, headers });
  expect(response.status, await response.clone().text()).toBe(200);
}

beforeAll(async () => {
  config = configFromEnv({ CLICKHOUSE_URL: clickhouseUrl, CLICKHOUSE_TIMEOUT_MS: "10000" });
  await command(`CREATE TABLE ${TABLE} (v String) ENGINE = Memory`);
  // The fixture rows go in as hex, so their own insertion cannot be what is under test.
  await command(`INSERT INTO ${TABLE} SELECT unhex(h) FROM (SELECT arrayJoin([${FIXED_ROWS.map((r) => `'${hex(r)}'`).join(", ")}]) AS h)`);
});

afterAll(async () => {
  await command(`DROP TABLE IF EXISTS ${TABLE}`);
});

describe("param_ values through the Worker's client", () => {
  it("the attack values round-trip and do not widen the filter", async () => {
    for (const value of ["\\N", "x\\", "a\r\nb", "\\", "\t", "\0", "\\\\N", "", "a%0D%0Ab", "\u0085", "\u2028", "'", "+&="]) {
      await check(value);
    }
  });

  it("any Unicode string round-trips (fast-check)", async () => {
    const tricky = fc.constantFrom("\\", "N", "\t", "\n", "\r", "\0", "'", "`", "%", "+", "&", "=", "é", "🙂");
    const strings = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 40 }),
      fc.string({ unit: fc.oneof(tricky, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), maxLength: 40 }),
    );
    await fc.assert(fc.asyncProperty(strings, check), { numRuns: 200 });
  });
});

describe("the attack requests through the Worker in workerd (seeded ClickHouse)", () => {
  const workerUrl = inject("workerUrl");
  let window = "";
  beforeAll(async () => {
    const seeded = await discover(clickhouseUrl);
    window = `start=${seeded.start}&end=${seeded.end}`;
  });

  async function get(path: string): Promise<{ status: number; text: string }> {
    const response = await fetch(`${workerUrl}${path}`);
    return { status: response.status, text: await response.text() };
  }

  /** Every money column of every row: a filter matching nothing leaves only zeros (trend fills days). */
  const costs = (data: Record<string, unknown>[]) =>
    data.flatMap((row) => Object.entries(row).filter(([key]) => key.endsWith("_cost")).map(([, value]) => String(value)));

  it("customer=%5CN answers only the customer literally named \\N (no cost), not everything", async () => {
    for (const path of ["/api/costs/by-account-role", "/api/costs/trend"]) {
      const attack = await get(`${path}?${window}&customer=%5CN`);
      expect(attack.status, attack.text).toBe(200);
      const body = JSON.parse(attack.text) as { data: Record<string, unknown>[]; params: Record<string, string> };
      expect(body.params.customer).toBe("\\N");
      expect(costs(body.data).filter((cost) => cost !== "0"), path).toEqual([]);
      // ... while the same window without the filter has cost: \N used to read as '' ("any").
      const unfiltered = JSON.parse((await get(`${path}?${window}`)).text) as { data: Record<string, unknown>[] };
      expect(costs(unfiltered.data).filter((cost) => cost !== "0").length, path).toBeGreaterThan(0);
    }
  });

  it("a trailing backslash in node_id is a 404 (no such node), not a 502", async () => {
    const response = await get(`/api/hierarchy/trend?${window}&node_id=x%5C`);
    expect(response.status, response.text).toBe(404);
    expect(JSON.parse(response.text)).toMatchObject({ error: { code: "not_found" } });
  });

  it("CR/LF and tab in a text parameter are a JSON 400 without internals", async () => {
    for (const value of ["a%0D%0Ab", "a%09b"]) {
      const response = await get(`/api/costs/by-account-role?${window}&customer=${value}`);
      expect(response.status, response.text).toBe(400);
      expect(response.text).not.toMatch(/SELECT|FROM |DB::Exception|param_/);
    }
  });
});
