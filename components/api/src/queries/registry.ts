/**
 * The typed registry of named queries.
 *
 * Each `.sql` file (written for the attribution engine, bundled as a text module) is paired here
 * with the parameters its `{name:Type}` placeholders declare: the ClickHouse type, the default,
 * and how a query-string value is validated. Query-string names equal placeholder names, so
 * `?start=2026-01-01` binds `{start:Date}`. A unit test checks this table against the
 * placeholders actually present in every `.sql` file.
 */
import { badRequest } from "../errors";
import {
  addDays,
  checkWindow,
  dateParam,
  daysBetween,
  enumParam,
  MAX_PAGE_SIZE,
  parseParam,
  textParam,
  uintParam,
  type ParamSpec,
  type Resolved,
} from "../params";
import { resolveIncludes } from "./include";
import costsByAccountRoleSql from "./costs_by_account_role.sql";
import costsByCustomerSql from "./costs_by_customer.sql";
import coverageSql from "./coverage.sql";
import dashboardSummarySql from "./dashboard_summary.sql";
import dailyTrendSql from "./daily_trend.sql";
import deltaChargesSql from "./delta_charges.sql";
import deltaEventsSql from "./delta_events.sql";
import deltaNodesAccountSql from "./delta_nodes_account.sql";
import deltaNodesClosureSql from "./delta_nodes_closure.sql";
import deltaNodesOwnerSql from "./delta_nodes_owner.sql";
import deltaNodesRootSql from "./delta_nodes_root.sql";
import deltaNodesRootWeekSql from "./delta_nodes_root_week.sql";
import deltaNodesWeekSql from "./delta_nodes_week.sql";
import deltaNodesMonthSql from "./delta_nodes_month.sql";
import deltaNodesRootMonthSql from "./delta_nodes_root_month.sql";
import deltaNodesMtdSql from "./delta_nodes_mtd.sql";
import deltaNodesRootMtdSql from "./delta_nodes_root_mtd.sql";
import deltaResourcesSql from "./delta_resources.sql";
import deltaResourcesPairSql from "./delta_resources_pair.sql";
import freshnessSql from "./freshness.sql";
import hierarchyTreeSql from "./hierarchy_tree.sql";
import nodeCostTrendSql from "./node_cost_trend.sql";
import resourcesSql from "./resources.sql";
import exportFocusSql from "./export_focus.sql";
import chargeCategorySql from "./include/charge_category.sql";
import customerCostsSql from "./include/customer_costs.sql";
import deltaBasisCheckSql from "./include/delta_basis_check.sql";
import deltaChargeSql from "./include/delta_charge.sql";
import deltaChecksSql from "./include/delta_checks.sql";
import deltaColumnsSql from "./include/delta_columns.sql";
import deltaNodeKindSql from "./include/delta_node_kind.sql";
import deltaNormaliseSql from "./include/delta_normalise.sql";
import deltaPairChildSql from "./include/delta_pair_child.sql";
import deltaPairDecompositionSql from "./include/delta_pair_decomposition.sql";
import deltaPairNodeFilterSql from "./include/delta_pair_node_filter.sql";
import deltaRateSql from "./include/delta_rate.sql";
import deltaResourcesClassifySql from "./include/delta_resources_classify.sql";
import deltaResourcesColumnsSql from "./include/delta_resources_columns.sql";
import deltaResourcesDetailsSql from "./include/delta_resources_details.sql";
import deltaResourcesLineSeenSql from "./include/delta_resources_line_seen.sql";
import deltaResourcesNormaliseSql from "./include/delta_resources_normalise.sql";
import deltaResourcesUnderNodeSql from "./include/delta_resources_under_node.sql";
import deltaRootsSql from "./include/delta_roots.sql";
import nodeCustomerKeySql from "./include/node_customer_key.sql";
import nodeCostRowsSql from "./include/node_cost_rows.sql";
import nodeKindSql from "./include/node_kind.sql";
import nodeOwnerRowsSql from "./include/node_owner_rows.sql";
import nodeRegionsSql from "./include/node_regions.sql";
import deltaTilesSql from "./include/delta_tiles.sql";
import lastCostDaySql from "../lookups/last_cost_day.sql";
import nodeExistsSql from "../lookups/node_exists.sql";
import windowCompletenessSql from "../lookups/window_completeness.sql";

export type QueryName =
  | "costs_by_customer"
  | "costs_by_account_role"
  | "daily_trend"
  | "delta_nodes"
  | "delta_resources"
  | "delta_charges"
  | "delta_events"
  | "resources"
  | "hierarchy_tree"
  | "node_cost_trend"
  | "coverage"
  | "dashboard_summary"
  | "freshness"
  | "export_focus";

export interface QuerySpec {
  name: QueryName;
  /** The SQL text (for a query with `files`, the one whose header documents the query). */
  sql: string;
  /**
   * A query answered by several files (same placeholders, same columns): `pick` names the file for
   * the bound parameters, so ClickHouse parses and analyses only the SQL the request needs.
   */
  files?: { sql: Readonly<Record<string, string>>; pick: (params: Resolved, dataEnd: string | null) => string };
  /**
   * Parameters in resolution order: a default may read parameters listed before it
   * (so `end` precedes `start`, whose default is `end` minus 30 days).
   */
  params: Record<string, ParamSpec>;
  /** `[start, end)` pairs checked for order and length after all values are resolved. */
  windows: ReadonlyArray<readonly [string, string]>;
  /** The windows must not share a day (a day in both would be counted on both sides). */
  separateWindows?: boolean;
}

export const DEFAULT_WINDOW_DAYS = 30;
export const DEFAULT_DELTA_DAYS = 7;
export const HIERARCHIES = ["logical", "physical"] as const;
export const SORT_DIRECTIONS = ["asc", "desc"] as const;
/** Delta views: raw window totals (like AWS), or each window per day of its length. */
export const NORMALISE = ["none", "daily"] as const;
/** Decompositions: effective cost (commitment discounts a component of their own) or billed cost. */
export const BASIS = ["effective", "billed"] as const;
/** Columns the `resources` query can sort by (it binds them as an `Identifier`). */
export const RESOURCE_SORT_COLUMNS = [
  "resource_id",
  "resource_type",
  "account_id",
  "region",
  "state",
  "marqo_customer",
  "marqo_cluster",
  "marqo_role",
  "cost",
] as const;

/**
 * Date defaults are computed from `dataEnd`, the day after the last day with cost data (today when
 * there is none; endpoints.ts looks it up only when a date is left out), so a default window never
 * reaches into days whose cost is not in yet.
 */
const DATA_END = "the day after the last day with cost data (today, UTC, when there is none)";
const end = () => dateParam(`Window end (exclusive), YYYY-MM-DD. Default: ${DATA_END}.`, (_r, dataEnd) => dataEnd);
const startOf = (endName: string, days: number) =>
  dateParam(`Window start (inclusive), YYYY-MM-DD. Default: ${days} days before '${endName}'.`, (r) =>
    addDays(String(r[endName]), -days),
  );
const window = () => ({ end: end(), start: startOf("end", DEFAULT_WINDOW_DAYS) });
const customer = () => textParam("Customer to restrict to (marqo_customer); empty means all customers.");
const hierarchy = () =>
  enumParam("Hierarchy: 'logical' (customer > cluster > role > resource) or 'physical' (account > region > VPC > subnet > resource).", HIERARCHIES, "logical");
const nodeId = () =>
  textParam("Node id in the hierarchy (e.g. 'customer:acme', 'account:123456789012'); empty means the root.", {
    maxLength: 512,
  });

/** Base window = the `DEFAULT_DELTA_DAYS` before the compare window, which ends at `dataEnd` by default. */
const deltaParams = (): Record<string, ParamSpec> => ({
  compare_end: dateParam(`Compare window B end (exclusive). Default: ${DATA_END}.`, (_r, dataEnd) => dataEnd),
  compare_start: dateParam(
    `Compare window B start (inclusive). Default: ${DEFAULT_DELTA_DAYS} days before compare_end.`,
    (r) => addDays(String(r.compare_end), -DEFAULT_DELTA_DAYS),
  ),
  base_end: dateParam("Base window A end (exclusive). Default: compare_start.", (r) => String(r.compare_start)),
  base_start: dateParam(
    "Base window A start (inclusive). Default: as many days before base_end as window B is long.",
    (r) => addDays(String(r.base_end), -daysOf(String(r.compare_start), String(r.compare_end))),
  ),
  hierarchy: hierarchy(),
  node_id: nodeId(),
  normalise: enumParam(
    "'none': raw totals of each window (the default; windows may differ in length, e.g. calendar months). " +
      "'daily': each window's cost and quantity divided by its number of days (run rate per day).",
    NORMALISE,
    "none",
  ),
});
/**
 * The cost a decomposition (delta_nodes, delta_resources) splits. Not in deltaParams: delta_charges
 * answers both bases at once, and a query's parameters are exactly its SQL's placeholders.
 */
const basis = () =>
  enumParam(
    "'effective': effective cost (the default), the change of Savings Plan and Reserved Instance discounts being " +
      "the commitment component. 'billed': billed cost as invoiced; commitment is 0, and credit, adjustment, tax and " +
      "purchase are their billed amounts.",
    BASIS,
    "effective",
  );
const deltaWindows = [
  ["base_start", "base_end"],
  ["compare_start", "compare_end"],
] as const;

function daysOf(start: string, endDate: string): number {
  return Math.max(1, daysBetween(start, endDate));
}

/** Windows of the API's default comparison: a week against the week right before it. */
const WEEK_DAYS = 7;

function isWeekOverWeek(params: Resolved): boolean {
  const day = (name: string): string => String(params[name] ?? "");
  return (
    day("base_end") === day("compare_start") &&
    daysBetween(day("base_start"), day("base_end")) === WEEK_DAYS &&
    daysBetween(day("compare_start"), day("compare_end")) === WEEK_DAYS
  );
}

/** First day of the month `months` after the month of `day` (YYYY-MM-DD). */
function monthStart(day: string, months: number): string {
  const [year, month] = day.split("-").map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 1 + months, 1));
  return first.toISOString().slice(0, 10);
}

/** A calendar month against the month right before it: answered from the month pairs. */
function isMonthOverMonth(params: Resolved): boolean {
  const day = (name: string): string => String(params[name] ?? "");
  const b0 = day("compare_start");
  if (!/^\d{4}-\d{2}-01$/.test(b0)) return false;
  return day("base_end") === b0 && day("base_start") === monthStart(b0, -1) && day("compare_end") === monthStart(b0, 1);
}

function monthDays(first: string): number {
  return daysBetween(first, monthStart(first, 1));
}

/**
 * The first days of a month against the same days of the month before, cut at its end (30 March
 * to date against all of February). A whole month against the whole month before is month over
 * month, checked first.
 */
export function isMonthToDate(params: Resolved): boolean {
  const day = (name: string): string => String(params[name] ?? "");
  const b0 = day("compare_start");
  if (!/^\d{4}-\d{2}-01$/.test(b0) || day("base_start") !== monthStart(b0, -1)) return false;
  const days = daysBetween(b0, day("compare_end"));
  const previous = monthDays(day("base_start"));
  return days >= 1 && days <= monthDays(b0) && daysBetween(day("base_start"), day("base_end")) === Math.min(days, previous);
}

/**
 * The `delta_nodes` file for a request: two adjacent weeks (the default windows) read the
 * week-over-week pairs, two consecutive calendar months the month pairs, month to date the
 * month-to-date pairs (given `dataEnd`, the day after the last cost day, and a compare window
 * ending by then), each with one file for the root and one below it; other windows read the
 * blocks, with one file for the root, a logical node or an unresourced pseudo-resource (owner
 * columns place it), a physical account, or a physical node at or below a region (the closure
 * table places it). The same rule as `delta_nodes_file` in attribution/queries.py; each file
 * refuses a node or windows of another kind.
 */
export function deltaNodesFile(params: Resolved, dataEnd: string | null = null): string {
  const hierarchy = String(params.hierarchy ?? "");
  const nodeId = String(params.node_id ?? "");
  if (isWeekOverWeek(params)) return nodeId === "" ? "delta_nodes_root_week" : "delta_nodes_week";
  if (isMonthOverMonth(params)) return nodeId === "" ? "delta_nodes_root_month" : "delta_nodes_month";
  // Month-to-date pairs exist for compare windows ending by the day after the last cost day.
  if (dataEnd !== null && String(params.compare_end) <= dataEnd && isMonthToDate(params)) {
    return nodeId === "" ? "delta_nodes_root_mtd" : "delta_nodes_mtd";
  }
  if (nodeId === "") return "delta_nodes_root";
  if (hierarchy === "logical" || nodeId.startsWith("unresourced:")) return "delta_nodes_owner";
  if (nodeId.startsWith("account:")) return "delta_nodes_account";
  return "delta_nodes_closure";
}

/**
 * The `delta_resources` file for a request: the raw totals (normalise = none) of a precomputed pair
 * (the windows deltaNodesFile reads from the week, month or month-to-date pairs) read the pair's
 * precomputed resources, anything else the blocks. The same rule as `delta_resources_file` in
 * attribution/queries.py; the pair file refuses other windows and the per-day view.
 */
export function deltaResourcesFile(params: Resolved, dataEnd: string | null = null): string {
  const pair =
    isWeekOverWeek(params) ||
    isMonthOverMonth(params) ||
    (dataEnd !== null && String(params.compare_end) <= dataEnd && isMonthToDate(params));
  return pair && String(params.normalise ?? "none") === "none" ? "delta_resources_pair" : "delta_resources";
}

/** Full-line `--` comments and blank lines removed: what is sent to ClickHouse for a picked file. */
export function stripCommentLines(sql: string): string {
  return sql
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("--"))
    .join("\n");
}

const sendable = new Map<string, string>();

/** The SQL to send for a query and its bound parameters (`dataEnd`: see deltaNodesFile). */
export function sqlFor(spec: QuerySpec, params: Resolved, dataEnd: string | null = null): string {
  if (!spec.files) return spec.sql;
  const file = spec.files.pick(params, dataEnd);
  const text = spec.files.sql[file];
  if (text === undefined) throw new Error(`${spec.name}: no SQL file named ${file}`);
  let stripped = sendable.get(file);
  if (stripped === undefined) {
    stripped = stripCommentLines(text);
    sendable.set(file, stripped);
  }
  return stripped;
}

/** Fragments the files share through `-- @include name.sql` lines (src/queries/include/). */
const FRAGMENTS: Readonly<Record<string, string>> = {
  "charge_category.sql": chargeCategorySql,
  "customer_costs.sql": customerCostsSql,
  "delta_basis_check.sql": deltaBasisCheckSql,
  "delta_charge.sql": deltaChargeSql,
  "delta_checks.sql": deltaChecksSql,
  "delta_columns.sql": deltaColumnsSql,
  "delta_node_kind.sql": deltaNodeKindSql,
  "delta_normalise.sql": deltaNormaliseSql,
  "delta_pair_child.sql": deltaPairChildSql,
  "delta_pair_decomposition.sql": deltaPairDecompositionSql,
  "delta_pair_node_filter.sql": deltaPairNodeFilterSql,
  "delta_rate.sql": deltaRateSql,
  "delta_resources_classify.sql": deltaResourcesClassifySql,
  "delta_resources_columns.sql": deltaResourcesColumnsSql,
  "delta_resources_details.sql": deltaResourcesDetailsSql,
  "delta_resources_line_seen.sql": deltaResourcesLineSeenSql,
  "delta_resources_normalise.sql": deltaResourcesNormaliseSql,
  "delta_resources_under_node.sql": deltaResourcesUnderNodeSql,
  "delta_roots.sql": deltaRootsSql,
  "delta_tiles.sql": deltaTilesSql,
  "node_customer_key.sql": nodeCustomerKeySql,
  "node_kind.sql": nodeKindSql,
  "node_regions.sql": nodeRegionsSql,
  "node_cost_rows.sql": nodeCostRowsSql,
  "node_owner_rows.sql": nodeOwnerRowsSql,
};

/** A bundled file with its include lines resolved (src/queries/include.ts). */
function withIncludes(text: string): string {
  return resolveIncludes(text, FRAGMENTS);
}

export const QUERIES: Record<QueryName, QuerySpec> = {
  costs_by_customer: {
    name: "costs_by_customer",
    sql: withIncludes(costsByCustomerSql),
    params: window(),
    windows: [["start", "end"]],
  },
  costs_by_account_role: {
    name: "costs_by_account_role",
    sql: withIncludes(costsByAccountRoleSql),
    params: { ...window(), customer: customer() },
    windows: [["start", "end"]],
  },
  daily_trend: {
    name: "daily_trend",
    sql: withIncludes(dailyTrendSql),
    params: { ...window(), customer: customer() },
    windows: [["start", "end"]],
  },
  delta_nodes: {
    name: "delta_nodes",
    sql: withIncludes(deltaNodesRootSql),
    files: {
      sql: {
        delta_nodes_root: withIncludes(deltaNodesRootSql),
        delta_nodes_root_week: withIncludes(deltaNodesRootWeekSql),
        delta_nodes_week: withIncludes(deltaNodesWeekSql),
        delta_nodes_root_month: withIncludes(deltaNodesRootMonthSql),
        delta_nodes_month: withIncludes(deltaNodesMonthSql),
        delta_nodes_root_mtd: withIncludes(deltaNodesRootMtdSql),
        delta_nodes_mtd: withIncludes(deltaNodesMtdSql),
        delta_nodes_owner: withIncludes(deltaNodesOwnerSql),
        delta_nodes_account: withIncludes(deltaNodesAccountSql),
        delta_nodes_closure: withIncludes(deltaNodesClosureSql),
      },
      pick: deltaNodesFile,
    },
    params: { ...deltaParams(), basis: basis() },
    windows: deltaWindows,
    separateWindows: true,
  },
  delta_resources: {
    name: "delta_resources",
    sql: withIncludes(deltaResourcesSql),
    files: {
      sql: {
        delta_resources: withIncludes(deltaResourcesSql),
        delta_resources_pair: withIncludes(deltaResourcesPairSql),
      },
      pick: deltaResourcesFile,
    },
    params: {
      ...deltaParams(),
      basis: basis(),
      limit: uintParam(`Page size (1..${MAX_PAGE_SIZE}).`, 1, MAX_PAGE_SIZE, MAX_PAGE_SIZE),
      offset: uintParam("Rows to skip (for paging, largest |delta| first).", 0, 4_000_000_000, 0),
    },
    windows: deltaWindows,
    separateWindows: true,
  },
  delta_charges: {
    name: "delta_charges",
    sql: withIncludes(deltaChargesSql),
    params: deltaParams(),
    windows: deltaWindows,
    separateWindows: true,
  },
  delta_events: {
    name: "delta_events",
    sql: withIncludes(deltaEventsSql),
    params: {
      resource_id: textParam("AWS resource id whose lifecycle events to list.", { maxLength: 512, required: true }),
      ...window(),
    },
    windows: [["start", "end"]],
  },
  resources: {
    name: "resources",
    sql: withIncludes(resourcesSql),
    params: {
      as_of: dateParam("Snapshot day, YYYY-MM-DD. Default: the last day with cost data (yesterday, UTC, when there is none).", (_r, dataEnd) =>
        addDays(dataEnd, -1),
      ),
      customer: customer(),
      cluster: textParam("Cluster (marqo_cluster); empty means any."),
      role: textParam("Role (marqo_role); empty means any."),
      account_id: textParam("AWS account id; empty means any.", {
        pattern: /^\d{12}$/,
        patternDescription: "a 12-digit AWS account id",
      }),
      resource_type: textParam("Resource type, e.g. 'ec2:instance'; empty means any."),
      state: textParam("Resource state, e.g. 'running'; empty means any."),
      search: textParam("Case-insensitive substring of the resource id, ARN or tags; empty means none."),
      sort: enumParam("Column to sort by.", RESOURCE_SORT_COLUMNS, "cost", "Identifier"),
      direction: enumParam("Sort direction.", SORT_DIRECTIONS, "desc"),
      limit: uintParam(`Page size (1..${MAX_PAGE_SIZE}).`, 1, MAX_PAGE_SIZE, 100),
      offset: uintParam("Rows to skip (for paging).", 0, 4_000_000_000, 0),
    },
    windows: [],
  },
  hierarchy_tree: {
    name: "hierarchy_tree",
    sql: withIncludes(hierarchyTreeSql),
    params: {
      ...window(),
      as_of: dateParam("Day whose hierarchy shape is shown. Default: the last day of the window (end - 1).", (r) =>
        addDays(String(r.end), -1),
      ),
      hierarchy: hierarchy(),
      node_id: nodeId(),
    },
    windows: [["start", "end"]],
  },
  node_cost_trend: {
    name: "node_cost_trend",
    sql: withIncludes(nodeCostTrendSql),
    params: { hierarchy: hierarchy(), node_id: nodeId(), ...window() },
    windows: [["start", "end"]],
  },
  coverage: { name: "coverage", sql: withIncludes(coverageSql), params: window(), windows: [["start", "end"]] },
  dashboard_summary: {
    name: "dashboard_summary",
    sql: withIncludes(dashboardSummarySql),
    params: {
      ...window(),
      previous_end: dateParam("End of the window compared with (exclusive). Default: 'start'.", (r) => String(r.start)),
      previous_start: dateParam(
        "First day of the window compared with. Default: as many days before 'previous_end' as the window is long.",
        (r) => addDays(String(r.previous_end), -daysOf(String(r.start), String(r.end))),
      ),
    },
    windows: [
      ["start", "end"],
      ["previous_start", "previous_end"],
    ],
    separateWindows: true,
  },
  freshness: { name: "freshness", sql: withIncludes(freshnessSql), params: {}, windows: [] },
  export_focus: {
    name: "export_focus",
    sql: withIncludes(exportFocusSql),
    params: {
      ...window(),
      limit: uintParam(`Page size (1..${MAX_PAGE_SIZE}).`, 1, MAX_PAGE_SIZE, MAX_PAGE_SIZE),
      offset: uintParam("Rows to skip (for paging, in day, account, service, usage type, resource order).", 0, 4_000_000_000, 0),
    },
    windows: [["start", "end"]],
  },
};

/**
 * The API's own lookups (in `src/lookups/`, not part of the attribution contract): questions the
 * Worker asks to shape a response, such as whether an unknown node deserves a 404.
 */
export const LOOKUPS = {
  node_exists: {
    sql: withIncludes(nodeExistsSql),
    params: { hierarchy: hierarchy(), node_id: nodeId() } as Record<string, ParamSpec>,
  },
  /** Days with cost data and provisional days of a delta's windows (every delta answer states them). */
  window_completeness: {
    sql: withIncludes(windowCompletenessSql),
    params: Object.fromEntries(deltaWindows.flat().map((name) => [name, deltaParams()[name]!])) as Record<string, ParamSpec>,
  },
  /** Where default windows end. */
  last_cost_day: { sql: withIncludes(lastCostDaySql), params: {} as Record<string, ParamSpec> },
} as const;

/** Whether binding this query string would compute a date from `dataEnd` (a date left out). */
export function needsDataEnd(spec: QuerySpec, search: URLSearchParams): boolean {
  return Object.entries(spec.params).some(([name, param]) => param.kind === "date" && !search.has(name));
}

/**
 * Validates a query string against a query's parameters and returns the values to bind.
 * Unknown parameters are rejected (a misspelt filter must not silently widen the result);
 * `extra` names endpoint-level parameters such as `format` that the caller handles itself.
 */
export function bindParams(
  spec: QuerySpec,
  search: URLSearchParams,
  dataEnd: string,
  extra: readonly string[] = [],
): Resolved {
  for (const key of new Set(search.keys())) {
    if (!(key in spec.params) && !extra.includes(key)) {
      const known = [...Object.keys(spec.params), ...extra];
      throw badRequest(`unknown parameter '${key}'; this endpoint accepts: ${known.join(", ") || "none"}`);
    }
    if (search.getAll(key).length > 1) throw badRequest(`parameter '${key}' is given more than once`);
  }
  const resolved: Resolved = {};
  for (const [name, param] of Object.entries(spec.params)) {
    resolved[name] = parseParam(name, param, search.get(name), resolved, dataEnd);
  }
  for (const [startName, endName] of spec.windows) {
    checkWindow(startName, endName, String(resolved[startName]), String(resolved[endName]));
  }
  if (spec.separateWindows) checkSeparateWindows(spec.windows, resolved);
  return resolved;
}

/** Windows compared with each other must not share a day; their lengths may differ. */
export function checkSeparateWindows(windows: ReadonlyArray<readonly [string, string]>, resolved: Resolved): void {
  const spans = windows.map(([start, end]) => [String(resolved[start]), String(resolved[end])] as const);
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const [aStart, aEnd] = spans[i]!;
      const [bStart, bEnd] = spans[j]!;
      // YYYY-MM-DD strings compare as dates.
      if (aStart < bEnd && bStart < aEnd) {
        const [a0, a1] = windows[i]!;
        const [b0, b1] = windows[j]!;
        throw badRequest(
          `the windows must not overlap (${a0}..${a1} = ${aStart}..${aEnd}, ${b0}..${b1} = ${bStart}..${bEnd})`,
        );
      }
    }
  }
}
