/**
 * Every endpoint, through the Worker in workerd, on the seeded dataset: it answers 200, and its
 * rows equal the same named query run directly against ClickHouse over HTTP with the parameters
 * the Worker reports it bound. Money must arrive as decimal strings.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { resolveIncludes } from "../../src/queries/include";
import { addDays, discover, endpointCases } from "../support/cases.mjs";
import { clickhouseJson, namedQuery, QUERIES_DIR } from "../support/stack.mjs";

const workerUrl = inject("workerUrl");
const clickhouseUrl = inject("clickhouseUrl");

interface QueryBody {
  data: Record<string, unknown>[];
  params: Record<string, string | number>;
  meta: { query: string; columns: { name: string; type: string }[]; rows: number };
  page?: { limit: number; offset: number; has_more: boolean; next_offset: number | null; total: number | null };
  windows?: unknown;
}

// The fragments a named query's `-- @include` lines stand for, read from the repository as the
// Worker's bundle holds them.
const INCLUDE_DIR = join(QUERIES_DIR, "include");
const FRAGMENTS = Object.fromEntries(readdirSync(INCLUDE_DIR).map((name) => [name, readFileSync(join(INCLUDE_DIR, name), "utf8")]));

async function get(path: string): Promise<Response> {
  return fetch(`${workerUrl}${path}`);
}

async function getJson<T = QueryBody>(path: string): Promise<T> {
  const response = await get(path);
  const text = await response.text();
  expect(response.status, `${path}: ${text.slice(0, 300)}`).toBe(200);
  return JSON.parse(text) as T;
}

async function scalar(sql: string): Promise<string> {
  const body = await clickhouseJson(clickhouseUrl, sql);
  return String(Object.values(body.data[0] as Record<string, unknown>)[0]);
}

/** A decimal string as exact micro-units (money is Decimal(_, 6)), so sums compare exactly. */
function micros(value: unknown, label: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(String(value));
  expect(match, `${label}: ${String(value)} is not a decimal string with at most 6 places`).not.toBeNull();
  const [, sign, whole, fraction = ""] = match!;
  const units = BigInt(whole!) * 1_000_000n + BigInt(fraction.padEnd(6, "0"));
  return sign ? -units : units;
}

/** A decomposition's components, in column order: usage at its billed price, then each other charge category. */
const USAGE_COMPONENTS = ["created", "removed", "usage_effect", "rate_effect", "transferred_in", "transferred_out"] as const;
const CATEGORY_COMPONENTS = ["commitment", "credit", "adjustment", "tax", "purchase"] as const;
const COMPONENTS = [...USAGE_COMPONENTS, ...CATEGORY_COMPONENTS] as const;

let seeded: Awaited<ReturnType<typeof discover>>;
let cases: ReturnType<typeof endpointCases>;

beforeAll(async () => {
  seeded = await discover(clickhouseUrl);
  cases = endpointCases(seeded);
});

const windowQs = () => `start=${seeded.start}&end=${seeded.end}`;

describe("every endpoint on the seeded dataset", () => {
  // The case list depends on discovered data, so the cases run inside one test, each labelled.
  it("every endpoint equals its named query run directly, with money as decimal strings", async () => {
    expect(new Set(cases.map((c) => c.path)).size).toBe(12);
    let decimalsChecked = 0;
    for (const { label, path, query, qs, nonEmpty } of cases) {
      const body = await getJson(`${path}?${qs}`);
      expect(body.meta.query, label).toBe(query);
      if (nonEmpty) expect(body.data.length, `${label}: ${path}?${qs} returned no rows`).toBeGreaterThan(0);

      const direct = await clickhouseJson(clickhouseUrl, resolveIncludes(namedQuery(query, body.params), FRAGMENTS), body.params);
      expect(body.data, label).toEqual(direct.data);
      expect(body.meta.columns, label).toEqual(direct.meta);

      // Money and other decimals are strings that keep every digit.
      const decimals = body.meta.columns.filter((c) => c.type.includes("Decimal")).map((c) => c.name);
      const nullable = new Set(body.meta.columns.filter((c) => c.type.startsWith("Nullable(")).map((c) => c.name));
      for (const row of body.data) {
        for (const column of decimals) {
          // The dashboard summary's sections leave the columns they do not have NULL.
          if (row[column] === null && nullable.has(column)) continue;
          expect(typeof row[column], `${column} in ${label}`).toBe("string");
          expect(String(row[column]), `${column} in ${label}`).toMatch(/^-?\d+(\.\d+)?$/);
          decimalsChecked += 1;
        }
      }
    }
    expect(decimalsChecked, "no Decimal column was served at all").toBeGreaterThan(100);
  });

  it("costs/by-customer returns exactly the seeded customers with cost in the window", async () => {
    const body = await getJson(`/api/costs/by-customer?${windowQs()}`);
    const expected = await clickhouseJson(
      clickhouseUrl,
      "SELECT DISTINCT marqo_customer AS c FROM cost_attributed_daily WHERE charge_date >= {s:Date} AND charge_date < {e:Date} ORDER BY c",
      { s: seeded.start, e: seeded.end },
    );
    const customerColumn = body.meta.columns.find((c) => /customer/.test(c.name))!.name;
    const served = body.data.map((row) => String(row[customerColumn])).sort();
    const seededCustomers = (expected.data as { c: string }[]).map((r) => r.c || "unattributed").sort();
    expect(served).toEqual([...new Set(seededCustomers)].sort());
  });

  it("costs/by-customer splits each customer's cost into direct and shared that add up exactly", async () => {
    const body = await getJson(`/api/costs/by-customer?${windowQs()}`);
    expect(body.data.length).toBeGreaterThan(0);
    for (const row of body.data) {
      const label = String(row.customer);
      expect(micros(row.direct_effective_cost, label) + micros(row.shared_effective_cost, label), label).toBe(
        micros(row.effective_cost, label),
      );
    }
    // Shared is what split rules moved to the customer: its rows with owner_rule 'allocation:<id>'
    // (docs/allocation.md).
    const expected = await clickhouseJson(
      clickhouseUrl,
      "SELECT marqo_customer AS customer, " +
        "sumIf(effective_cost, NOT startsWith(owner_rule, 'allocation:')) AS direct, " +
        "sumIf(effective_cost, startsWith(owner_rule, 'allocation:')) AS shared " +
        "FROM cost_attributed_daily WHERE charge_date >= {s:Date} AND charge_date < {e:Date} GROUP BY customer",
      { s: seeded.start, e: seeded.end },
    );
    const split = (rows: Record<string, unknown>[], direct: string, shared: string) =>
      Object.fromEntries(rows.map((r) => [String(r.customer), [micros(r[direct], "direct"), micros(r[shared], "shared")]]));
    expect(split(body.data, "direct_effective_cost", "shared_effective_cost")).toEqual(
      split(expected.data as Record<string, unknown>[], "direct", "shared"),
    );
    // The demo's rule (components/attribution/demo_allocation.toml) splits the first account's NAT
    // gateway between acme and globex: only they have a shared part, and it is the gateway's bill.
    const shared = body.data.filter((row) => micros(row.shared_effective_cost, String(row.customer)) !== 0n);
    expect(shared.map((row) => String(row.customer)).sort()).toEqual(["acme", "globex"]);
    for (const row of shared) expect(micros(row.shared_effective_cost, String(row.customer))).toBeGreaterThan(0n);
    const natBill = await scalar(
      "SELECT toString(sum(effective_cost)) FROM cost_daily FINAL WHERE account_id = '123456789012' " +
        `AND usage_type IN ('NatGateway-Hours', 'NatGateway-Bytes') AND charge_period_start >= '${seeded.start}' ` +
        `AND charge_period_start < '${seeded.end}'`,
    );
    const sharedTotal = shared.reduce((sum, row) => sum + micros(row.shared_effective_cost, "shared"), 0n);
    expect(sharedTotal).toBe(micros(natBill, "NAT gateway bill"));
  });

  it("costs/by-account-role splits each account and role into direct and shared, for everyone and per customer", async () => {
    for (const customer of ["", "acme", "globex", seeded.customer]) {
      const body = await getJson(`/api/costs/by-account-role?${windowQs()}&customer=${encodeURIComponent(customer)}`);
      const label = (row: Record<string, unknown>) => `${customer || "all"} ${String(row.account_id)}/${String(row.role)}`;
      for (const row of body.data) {
        expect(micros(row.direct_effective_cost, label(row)) + micros(row.shared_effective_cost, label(row)), label(row)).toBe(
          micros(row.effective_cost, label(row)),
        );
      }
      // The same split read from the attributed rows themselves (docs/allocation.md).
      const expected = await clickhouseJson(
        clickhouseUrl,
        "SELECT account_id, marqo_role AS role, " +
          "sumIf(effective_cost, NOT startsWith(owner_rule, 'allocation:')) AS direct, " +
          "sumIf(effective_cost, startsWith(owner_rule, 'allocation:')) AS shared " +
          "FROM cost_attributed_daily WHERE charge_date >= {s:Date} AND charge_date < {e:Date} " +
          "AND ({c:String} = '' OR marqo_customer = {c:String}) GROUP BY account_id, role",
        { s: seeded.start, e: seeded.end, c: customer },
      );
      const split = (rows: Record<string, unknown>[], direct: string, shared: string) =>
        Object.fromEntries(rows.map((r) => [`${String(r.account_id)}/${String(r.role)}`, [micros(r[direct], "direct"), micros(r[shared], "shared")]]));
      expect(split(body.data, "direct_effective_cost", "shared_effective_cost"), customer || "all").toEqual(
        split(expected.data as Record<string, unknown>[], "direct", "shared"),
      );
    }
    // The demo's shared NAT gateway is in the first account, with the targets' role: none.
    const acme = await getJson(`/api/costs/by-account-role?${windowQs()}&customer=acme`);
    const shared = acme.data.filter((row) => micros(row.shared_effective_cost, "acme") !== 0n);
    expect(shared.map((row) => `${String(row.account_id)}/${String(row.role)}`)).toEqual(["123456789012/"]);
  });

  it("delta/resources of the unattributed customer lists the demo's credit and tax lines", async () => {
    const compareStart = addDays(seeded.end, -7);
    const qs =
      `base_start=${addDays(seeded.end, -14)}&base_end=${compareStart}&compare_start=${compareStart}` +
      `&compare_end=${seeded.end}&node_id=${encodeURIComponent("customer:unattributed")}&limit=1000`;
    const body = await getJson(`/api/delta/resources?${qs}`);
    // A resource's non-usage charges are rows of their own: a row is a resource and a component.
    const rows = Object.fromEntries(body.data.map((row) => [`${String(row.resource_id)} ${String(row.component)}`, row]));
    // A one-off SLA credit in the compare window (demo_costs.py): the credit component, not a created resource.
    const credit = rows["unresourced:234567890123/us-east-1/Amazon Elastic Compute Cloud - Compute credit"];
    expect(micros(credit?.delta, "credit")).toBe(-25_000_000n);
    expect(micros(credit?.credit, "credit")).toBe(-25_000_000n);
    expect(micros(credit?.created, "credit created")).toBe(0n);
    // Every account's tax, every day: a tax row per account with cost in both windows.
    for (const account of ["123456789012", "234567890123", "345678901234"]) {
      const tax = rows[`unresourced:${account}/global/Tax tax`];
      expect(micros(tax?.total_b, account)).toBeGreaterThan(0n);
      expect(micros(tax?.tax, account)).toBe(micros(tax?.delta, account));
    }
  });

  it("delta/nodes and delta/resources: the eleven components sum to the delta at every row", async () => {
    const decompositions = cases.filter((c) => c.query === "delta_nodes" || c.query === "delta_resources");
    expect(decompositions.some((c) => c.qs.includes("basis=billed"))).toBe(true);
    for (const { label, path, qs } of decompositions) {
      const body = await getJson(`${path}?${qs}`);
      expect(body.data.length, label).toBeGreaterThan(0);
      for (const row of body.data) {
        const name = `${label}: ${String(row.node_id ?? `${String(row.resource_id)} ${String(row.component)}`)}`;
        const delta = micros(row.delta, name);
        expect(micros(row.total_b, name) - micros(row.total_a, name), name).toBe(delta);
        expect(COMPONENTS.reduce((sum, key) => sum + micros(row[key], `${name} ${key}`), 0n), name).toBe(delta);
        // Billed cost has no amortised discount to change.
        if (body.params.basis === "billed") expect(micros(row.commitment, name), name).toBe(0n);
        // A resource's charge-category row carries its whole change in that category's column.
        if ((CATEGORY_COMPONENTS as readonly unknown[]).includes(row.component)) {
          for (const key of COMPONENTS) expect(micros(row[key], `${name} ${key}`), name).toBe(key === row.component ? delta : 0n);
        }
      }
      if (path === "/api/delta/resources") {
        const keys = body.data.map((row) => `${String(row.resource_id)} ${String(row.component)}`);
        expect(new Set(keys).size, `${label}: (resource_id, component) repeats`).toBe(keys.length);
      }
    }
  });

  it("delta/nodes at the root splits its change into delta/charges' categories, on either basis", async () => {
    const compareStart = addDays(seeded.end, -7);
    const qs = `base_start=${addDays(seeded.end, -14)}&base_end=${compareStart}&compare_start=${compareStart}&compare_end=${seeded.end}`;
    const charges = Object.fromEntries((await getJson(`/api/delta/charges?${qs}`)).data.map((row) => [String(row.category), row]));
    const sum = (data: Record<string, unknown>[], keys: readonly string[]) =>
      data.reduce((acc, row) => acc + keys.reduce((part, key) => part + micros(row[key], key), 0n), 0n);
    for (const [basis, column] of [["effective", "delta"], ["billed", "billed_delta"]] as const) {
      const nodes = (await getJson(`/api/delta/nodes?${qs}&basis=${basis}`)).data;
      // Usage at its billed price is the same on both bases: the bases differ in commitment only.
      expect(sum(nodes, USAGE_COMPONENTS), basis).toBe(micros(charges.usage?.[column], `usage ${column}`));
      for (const category of CATEGORY_COMPONENTS) {
        expect(sum(nodes, [category]), `${basis} ${category}`).toBe(micros(charges[category]?.[column], `${category} ${column}`));
      }
      expect(sum(nodes, ["delta"]), basis).toBe(Object.values(charges).reduce((acc, row) => acc + micros(row[column], column), 0n));
    }
  });

  it("delta/charges names the demo's expiring Savings Plan, the credit and the tax, summing to delta/nodes", async () => {
    const compareStart = addDays(seeded.end, -7);
    const qs = `base_start=${addDays(seeded.end, -14)}&base_end=${compareStart}&compare_start=${compareStart}&compare_end=${seeded.end}`;
    const body = await getJson(`/api/delta/charges?${qs}`);
    expect(body.data.map((row) => row.category)).toEqual(["usage", "commitment", "credit", "adjustment", "tax", "purchase"]);
    const rows = Object.fromEntries(body.data.map((row) => [String(row.category), row]));
    // The plan expires inside the compare window: less discount, more cost, none of it billed.
    expect(micros(rows.commitment?.delta, "commitment")).toBeGreaterThan(0n);
    expect(micros(rows.commitment?.billed_delta, "commitment billed")).toBe(0n);
    expect(micros(rows.credit?.delta, "credit")).toBe(-25_000_000n);
    expect(micros(rows.tax?.total_b, "tax")).toBeGreaterThan(0n);
    const sum = (data: Record<string, unknown>[], column: string) => data.reduce((acc, row) => acc + micros(row[column], column), 0n);
    const nodes = await getJson(`/api/delta/nodes?${qs}`);
    expect(sum(body.data, "delta")).toBe(sum(nodes.data, "delta"));
    expect(body.windows).toEqual(nodes.windows);
    const unattributed = await getJson(`/api/delta/charges?${qs}&node_id=${encodeURIComponent("customer:unattributed")}`);
    const own = Object.fromEntries(unattributed.data.map((row) => [String(row.category), row]));
    expect(own.credit).toEqual(rows.credit);
    expect(own.tax).toEqual(rows.tax);
  });

  it("pages resources without overlap and says when more exist", async () => {
    const first = await getJson(`/api/resources?as_of=${seeded.asOf}&sort=resource_id&direction=asc&limit=3`);
    expect(first.page).toMatchObject({ limit: 3, offset: 0, has_more: true, next_offset: 3 });
    const total = await scalar(`SELECT count() FROM resource_snapshots FINAL WHERE snapshot_date = '${seeded.asOf}'`);
    expect(first.page!.total).toBe(Number(total));
    const second = await getJson(`/api/resources?as_of=${seeded.asOf}&sort=resource_id&direction=asc&limit=3&offset=3`);
    const ids = (body: QueryBody) => body.data.map((row) => String(row.resource_id));
    expect(ids(first)).toHaveLength(3);
    expect(ids(second).filter((id) => ids(first).includes(id))).toEqual([]);
    expect([...ids(first), ...ids(second)]).toEqual([...ids(first), ...ids(second)].sort());
  });

  it("exports resources as CSV with a header row", async () => {
    const response = await get(`/api/resources?as_of=${seeded.asOf}&format=csv&limit=20`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(response.headers.get("content-disposition")).toContain('filename="resources.csv"');
    const lines = (await response.text()).trimEnd().split("\n");
    const json = await getJson(`/api/resources?as_of=${seeded.asOf}&limit=20`);
    expect(lines[0]).toBe(json.meta.columns.map((c) => `"${c.name}"`).join(","));
    expect(lines).toHaveLength(json.data.length + 1);
  });

  it("exports attributed cost as FOCUS columns in CSV and in Parquet", async () => {
    const csv = await get(`/api/export/focus?${windowQs()}&format=csv&limit=50`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toContain('filename="export_focus.csv"');
    const lines = (await csv.text()).trimEnd().split("\n");
    expect(lines[0]).toContain('"BillingPeriodStart","BillingPeriodEnd","ChargePeriodStart"');
    expect(lines[0]).toContain('"BilledCost","EffectiveCost","BillingCurrency"');
    expect(lines).toHaveLength(51);
    expect(lines[1]).toContain("marqo_customer");

    const parquet = await get(`/api/export/focus?${windowQs()}&format=parquet&limit=50`);
    expect(parquet.status).toBe(200);
    expect(parquet.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    const bytes = new Uint8Array(await parquet.arrayBuffer());
    const magic = (at: number) => new TextDecoder().decode(bytes.slice(at, at + 4));
    expect([magic(0), magic(bytes.length - 4)]).toEqual(["PAR1", "PAR1"]);

    const bad = await get(`/api/export/focus?${windowQs()}&format=xlsx`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("json, csv, parquet");
  });

  it("reports health with ClickHouse reachable and the freshness of each collector", async () => {
    const body = await getJson<{ status: string; clickhouse: { reachable: boolean }; freshness: unknown[]; last_cost_day: string | null }>("/api/health");
    expect(body.status).toBe("ok");
    expect(body.clickhouse.reachable).toBe(true);
    const collectors = await scalar("SELECT count() FROM data_freshness");
    expect(body.freshness).toHaveLength(Number(collectors));
    // The UI's default windows end with this day: the seeded data's last day with cost.
    expect(body.last_cost_day).toBe(await scalar("SELECT max(charge_date) FROM cost_by_owner_daily"));
  });

  it("serves its OpenAPI document", async () => {
    const doc = await getJson<{ openapi: string; paths: Record<string, unknown> }>("/api/openapi.json");
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toHaveLength(15);
  });

  it("answers 404 for a node that never existed, and 200 with no rows for a real node outside its data", async () => {
    for (const path of ["/api/delta/nodes", "/api/delta/resources", "/api/delta/charges", "/api/hierarchy/tree", "/api/hierarchy/trend"]) {
      const response = await get(`${path}?node_id=customer:no-such-customer-xyz`);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({
        error: { code: "not_found", message: "node 'customer:no-such-customer-xyz' does not exist in the logical hierarchy" },
      });
    }
    const node = encodeURIComponent(`customer:${seeded.customer}`);
    const quietTrend = await getJson(`/api/hierarchy/trend?node_id=${node}&start=1999-01-01&end=1999-02-01`);
    expect(quietTrend.data).toHaveLength(31); // one zero row per day
    expect(quietTrend.data.every((row) => Number(row.effective_cost) === 0)).toBe(true);
    const quietTree = await getJson(`/api/hierarchy/tree?node_id=${node}&start=1999-01-01&end=1999-02-01&as_of=1999-01-31`);
    expect(quietTree.data).toEqual([]);
  });

  it("answers a bad parameter with 400 before reaching ClickHouse", async () => {
    const response = await get("/api/costs/by-customer?start=2026-02-01&end=2026-01-01");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "bad_request" } });
  });
});
