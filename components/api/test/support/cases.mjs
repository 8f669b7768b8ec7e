/**
 * The requests that exercise every endpoint on the seeded dataset, shared by the integration
 * test and the perf script. Parameters are discovered from the tables, so the dataset is not
 * hard-coded here.
 */
import { clickhouseJson } from "./stack.mjs";

/** @param {string} day @param {number} days */
export const addDays = (day, days) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

async function scalar(clickhouseUrl, sql) {
  const body = await clickhouseJson(clickhouseUrl, sql);
  return String(Object.values(body.data[0] ?? { v: "" })[0]);
}

/**
 * Window, snapshot day, top customer and the resource with the most lifecycle events.
 * @param {string} clickhouseUrl
 */
export async function discover(clickhouseUrl) {
  const lastDay = await scalar(clickhouseUrl, "SELECT max(charge_date) FROM cost_attributed_daily");
  const firstDay = await scalar(clickhouseUrl, "SELECT min(charge_date) FROM cost_attributed_daily");
  if (lastDay === "1970-01-01" || lastDay === "") throw new Error("the dataset has no attributed cost: was it seeded?");
  const end = addDays(lastDay, 1);
  const start = [firstDay, addDays(end, -28)].sort()[1] ?? firstDay;
  const asOf = await scalar(clickhouseUrl, "SELECT max(snapshot_date) FROM resource_snapshots");
  const customer = await scalar(
    clickhouseUrl,
    `SELECT marqo_customer FROM cost_attributed_daily WHERE marqo_customer NOT IN ('', 'unattributed')
     GROUP BY marqo_customer ORDER BY sum(effective_cost) DESC, marqo_customer LIMIT 1`,
  );
  const events = await clickhouseJson(
    clickhouseUrl,
    `SELECT resource_id, toString(toDate(min(event_time))) AS first, toString(toDate(max(event_time))) AS last
     FROM lifecycle_events GROUP BY resource_id ORDER BY count() DESC, resource_id LIMIT 1`,
  );
  const row = events.data[0];
  // The account and region with the most cost: the physical nodes delta/nodes is asked about.
  const place = await clickhouseJson(
    clickhouseUrl,
    `SELECT account_id, region FROM cost_attributed_daily WHERE region NOT IN ('', 'global')
     GROUP BY account_id, region ORDER BY sum(effective_cost) DESC, account_id, region LIMIT 1`,
  );
  const top = place.data[0] ?? { account_id: "", region: "" };
  return {
    start,
    end,
    asOf,
    customer,
    account: String(top.account_id),
    region: String(top.region),
    resourceWithEvents: row ? row.resource_id : "",
    eventsStart: row ? row.first : start,
    eventsEnd: row ? addDays([row.last, addDays(row.first, 365)].sort()[0], 1) : end,
  };
}

/**
 * @param {Awaited<ReturnType<typeof discover>>} s
 * @returns {{label: string, path: string, query: string, qs: string, nonEmpty: boolean}[]}
 */
export function endpointCases(s) {
  const q = encodeURIComponent;
  const window = `start=${s.start}&end=${s.end}`;
  const compareStart = addDays(s.end, -7);
  const delta = (node) =>
    `base_start=${addDays(s.end, -14)}&base_end=${compareStart}&compare_start=${compareStart}&compare_end=${s.end}&node_id=${q(node)}`;
  const customerNode = `customer:${s.customer}`;
  const cases = [
    ["costs/by-customer", "/api/costs/by-customer", "costs_by_customer", window],
    ["costs/by-account-role", "/api/costs/by-account-role", "costs_by_account_role", `${window}&customer=${q(s.customer)}`],
    ["costs/trend", "/api/costs/trend", "daily_trend", window],
    ["costs/trend (customer)", "/api/costs/trend", "daily_trend", `${window}&customer=${q(s.customer)}`],
    ["delta/nodes (root)", "/api/delta/nodes", "delta_nodes", delta("")],
    ["delta/nodes (customer)", "/api/delta/nodes", "delta_nodes", delta(customerNode)],
    ["delta/nodes (physical)", "/api/delta/nodes", "delta_nodes", `${delta("")}&hierarchy=physical`],
    [
      "delta/nodes (account)",
      "/api/delta/nodes",
      "delta_nodes",
      `${delta(`account:${s.account}`)}&hierarchy=physical`,
    ],
    [
      "delta/nodes (region)",
      "/api/delta/nodes",
      "delta_nodes",
      `${delta(`region:${s.account}/${s.region}`)}&hierarchy=physical`,
    ],
    ["delta/nodes (customer, billed)", "/api/delta/nodes", "delta_nodes", `${delta(customerNode)}&basis=billed`],
    ["delta/resources", "/api/delta/resources", "delta_resources", delta(customerNode)],
    ["delta/resources (billed)", "/api/delta/resources", "delta_resources", `${delta(customerNode)}&basis=billed`],
    [
      "delta/events",
      "/api/delta/events",
      "delta_events",
      `resource_id=${q(s.resourceWithEvents)}&start=${s.eventsStart}&end=${s.eventsEnd}`,
    ],
    ["resources", "/api/resources", "resources", `as_of=${s.asOf}&limit=50`],
    [
      "resources (filtered page 2)",
      "/api/resources",
      "resources",
      `as_of=${s.asOf}&customer=${q(s.customer)}&sort=resource_id&direction=asc&limit=5&offset=5`,
    ],
    ["hierarchy/tree", "/api/hierarchy/tree", "hierarchy_tree", `${window}&as_of=${s.asOf}`],
    ["hierarchy/tree (physical)", "/api/hierarchy/tree", "hierarchy_tree", `${window}&as_of=${s.asOf}&hierarchy=physical`],
    ["hierarchy/trend", "/api/hierarchy/trend", "node_cost_trend", `${window}&node_id=${q(customerNode)}`],
    ["coverage", "/api/coverage", "coverage", window],
    ["dashboard", "/api/dashboard", "dashboard_summary", window],
    ["export/focus", "/api/export/focus", "export_focus", `${window}&limit=200`],
  ];
  return cases.map(([label, path, query, qs]) => ({
    label,
    path,
    query,
    qs,
    nonEmpty: !(query === "delta_events" && !s.resourceWithEvents),
  }));
}
