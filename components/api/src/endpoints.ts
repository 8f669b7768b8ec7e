/**
 * The API surface: which URL serves which named query, and the handlers that run them.
 * The same table drives routing and the OpenAPI document, so they cannot drift apart.
 */
import { configFromEnv, ping, queryJson, queryStream, type ClickHouseConfig, type StreamFormat } from "./clickhouse";
import { dataEnd, deltaWindows, type DeltaWindows } from "./completeness";
import { ApiError, jsonResponse } from "./errors";
import { daysBetween, todayUtc, uintParam, type Resolved } from "./params";
import { bindParams, isMonthToDate, LOOKUPS, needsDataEnd, QUERIES, sqlFor, type QueryName, type QuerySpec } from "./queries/registry";
import type { RouteContext } from "./router";
import type { Env } from "./env";

/** Rows a CSV export may contain; JSON pages stay at MAX_PAGE_SIZE. */
export const MAX_CSV_ROWS = 100_000;

export interface QueryEndpoint {
  path: string;
  query: QueryName;
  tag: string;
  summary: string;
  description: string;
  /** Offers `?format=csv` (ClickHouse's CSVWithNames, streamed). */
  csv?: boolean;
  /** Offers `?format=parquet` (ClickHouse's Parquet, streamed). */
  parquet?: boolean;
  /** Paged with limit/offset; the response carries `page`. */
  paged?: boolean;
  /** Scoped to `node_id` in `hierarchy`: an empty answer for a node that never existed is a 404. */
  nodeScoped?: boolean;
  /** What "empty" means when the query pads its answer (a trend has a row for every day). */
  isEmpty?: (rows: Record<string, unknown>[]) => boolean;
  /** A delta: the answer carries `windows`, each window's days with cost data and provisional days. */
  deltaWindows?: boolean;
}

export const QUERY_ENDPOINTS: readonly QueryEndpoint[] = [
  {
    path: "/api/costs/by-customer",
    query: "costs_by_customer",
    tag: "costs",
    summary: "Cost per customer over a window",
    description: "Total cost per customer in [start, end), including the explicit 'unattributed' customer.",
  },
  {
    path: "/api/costs/by-account-role",
    query: "costs_by_account_role",
    tag: "costs",
    summary: "Cost per account and role over a window",
    description: "Cost per AWS account and role in [start, end), optionally for one customer.",
  },
  {
    path: "/api/costs/trend",
    query: "daily_trend",
    tag: "costs",
    summary: "Daily cost trend",
    description: "Cost per day in [start, end), optionally for one customer.",
  },
  {
    path: "/api/delta/nodes",
    query: "delta_nodes",
    tag: "delta",
    summary: "Delta decomposition of a node's children",
    description:
      "For each child of node_id in the hierarchy: total in base window A and compare window B, the delta and its " +
      "components, which sum exactly to the delta: the change of usage at its billed price (created, removed, usage " +
      "effect, rate effect, transferred in/out) and of each other charge category (commitment, credit, adjustment, " +
      "tax, purchase), on the effective or the billed basis.",
    nodeScoped: true,
    deltaWindows: true,
  },
  {
    path: "/api/delta/resources",
    query: "delta_resources",
    tag: "delta",
    summary: "Delta decomposition per resource under a node",
    description:
      "Each resource under node_id with its cost in A and B, its delta component and flags, largest |delta| first; " +
      "a resource's commitment, credit, adjustment, tax and purchase changes are rows of their own with that " +
      "component, so (resource_id, component) is unique, not resource_id. Paged with limit/offset; page.total is " +
      "the number of rows under the node.",
    nodeScoped: true,
    paged: true,
    deltaWindows: true,
  },
  {
    path: "/api/delta/charges",
    query: "delta_charges",
    tag: "delta",
    summary: "Delta of a node by charge category",
    description:
      "The change under node_id split by charge category: usage at its billed price, commitment (Savings Plans and " +
      "Reserved Instances amortised onto usage), credit, adjustment, tax and purchase; six rows in that order. On " +
      "the effective basis (total_a, total_b, delta) and the billed basis (billed_total_a, billed_total_b, " +
      "billed_delta) the rows sum exactly to the node's change.",
    nodeScoped: true,
    deltaWindows: true,
    isEmpty: (rows) => rows.every((row) => isZero(row.total_a) && isZero(row.total_b) && isZero(row.billed_total_a) && isZero(row.billed_total_b)),
  },
  {
    path: "/api/delta/events",
    query: "delta_events",
    tag: "delta",
    summary: "Lifecycle events of a resource",
    description: "CloudTrail lifecycle events (who did what, when) for resource_id in [start, end).",
  },
  {
    path: "/api/resources",
    query: "resources",
    tag: "resources",
    summary: "Resources with filters, sorting and paging",
    description:
      `Resources as of a day with their owner and cost. Filters are exact matches ('' = any); search is a substring. ` +
      `Paged with limit/offset; '?format=csv' exports up to ${MAX_CSV_ROWS} rows as CSV.`,
    csv: true,
    paged: true,
  },
  {
    path: "/api/hierarchy/tree",
    query: "hierarchy_tree",
    tag: "hierarchy",
    summary: "Children of a hierarchy node with their cost",
    description: "The children of node_id in the hierarchy as of a day, each with its cost over [start, end).",
    nodeScoped: true,
  },
  {
    path: "/api/hierarchy/trend",
    query: "node_cost_trend",
    tag: "hierarchy",
    summary: "Daily cost trend of a hierarchy node",
    description: "Cost per day of node_id (all resources under it, attributed as of each day) in [start, end).",
    nodeScoped: true,
    isEmpty: (rows) => rows.every((row) => isZero(row.effective_cost) && isZero(row.billed_cost)),
  },
  {
    path: "/api/export/focus",
    query: "export_focus",
    tag: "export",
    summary: "Attributed cost as FOCUS 1.x columns",
    description:
      "Polo's attributed cost in [start, end) with FinOps FOCUS column names, one row per day, account, service, " +
      "usage type and resource, the owner fields as Tags: '?format=csv' or '?format=parquet' streams up to " +
      `${MAX_CSV_ROWS} rows per request (page with limit/offset), JSON answers one page.`,
    csv: true,
    parquet: true,
    paged: true,
  },
  {
    path: "/api/dashboard",
    query: "dashboard_summary",
    tag: "costs",
    summary: "The dashboard's numbers for a window, in one request",
    description:
      "The window's and the previous window's totals and coverage, cost per customer and both windows' daily " +
      "trends: what /api/coverage, /api/costs/by-customer and /api/costs/trend answer for the same windows, " +
      "from one query. The previous window defaults to the one of the same length right before.",
  },
  {
    path: "/api/coverage",
    query: "coverage",
    tag: "coverage",
    summary: "Attribution coverage",
    description: "Share of cost in [start, end) that has an owner, and how it was decided.",
  },
];

/** A decimal string (as ClickHouse quotes it) that is zero, compared as text so no float is involved. */
function isZero(value: unknown): boolean {
  return /^-?0+(\.0+)?$/.test(String(value));
}

/** Seconds a browser may reuse an answer: the UI's own staleTime, so a reload shows what was just seen. */
export const FRESH_SECONDS = 60;
/**
 * Windows that ended this many days ago or more hold settled data (Cost Explorer revises recent
 * days; the seed and the collectors mark the last two provisional), so their answers are reused
 * for longer. Not `immutable`: a late revision or an attribution rebuild can still change them.
 */
export const SETTLED_AFTER_DAYS = 7;
export const SETTLED_SECONDS = 3600;

/** `Cache-Control` of a query's answer: private (behind Access, per user), short unless every window is settled. */
export function cacheControl(spec: QuerySpec, params: Resolved, today: string): string {
  const ends = spec.windows.map(([, end]) => String(params[end]));
  const settled = ends.length > 0 && ends.every((end) => daysBetween(end, today) >= SETTLED_AFTER_DAYS);
  return `private, max-age=${settled ? SETTLED_SECONDS : FRESH_SECONDS}`;
}

/** How each streamed format is produced and served. */
const STREAMED: Record<string, { clickhouse: StreamFormat; contentType: string; extension: string }> = {
  csv: { clickhouse: "CSVWithNames", contentType: "text/csv; charset=utf-8", extension: "csv" },
  parquet: { clickhouse: "Parquet", contentType: "application/vnd.apache.parquet", extension: "parquet" },
};

/** The spec a request binds against: streamed exports may be larger than a JSON page. */
function specFor(endpoint: QueryEndpoint, format: string): QuerySpec {
  const spec = QUERIES[endpoint.query];
  if (!(format in STREAMED)) return spec;
  const limit = uintParam(`Rows to export (1..${MAX_CSV_ROWS}).`, 1, MAX_CSV_ROWS, MAX_CSV_ROWS);
  return { ...spec, params: { ...spec.params, limit } };
}

/** The formats an endpoint offers. */
export function formatsOf(endpoint: QueryEndpoint): string[] {
  return ["json", ...(endpoint.csv ? ["csv"] : []), ...(endpoint.parquet ? ["parquet"] : [])];
}

function formatOf(endpoint: QueryEndpoint, url: URL): string {
  const format = url.searchParams.get("format") ?? "json";
  const allowed = formatsOf(endpoint);
  if (!allowed.includes(format)) {
    throw new ApiError(400, "bad_request", `parameter 'format' must be one of ${allowed.join(", ")}; got '${format}'`);
  }
  return format;
}

export function queryHandler(endpoint: QueryEndpoint) {
  return async ({ url, env }: RouteContext<Env>): Promise<Response> => {
    const format = formatOf(endpoint, url);
    const spec = specFor(endpoint, format);
    const config = configFromEnv(env);
    const extra = formatsOf(endpoint).length > 1 ? ["format"] : [];
    // Validated before ClickHouse is asked anything; then default windows end with the data, not
    // with today (asked only when a date is left out, and bound again from it).
    let params = bindParams(spec, url.searchParams, todayUtc(), extra);
    if (needsDataEnd(spec, url.searchParams)) {
      params = bindParams(spec, url.searchParams, dataEnd(await lastCostDay(config), todayUtc()), extra);
    }
    const caching = { "cache-control": cacheControl(spec, params, todayUtc()) };
    const streamed = STREAMED[format];
    if (streamed) {
      const query = { name: spec.name, sql: sqlFor(spec, params), params };
      const body = await queryStream(config, query, streamed.clickhouse);
      return new Response(body, {
        headers: {
          "content-type": streamed.contentType,
          "content-disposition": `attachment; filename="${endpoint.query}.${streamed.extension}"`,
          ...caching,
        },
      });
    }
    // A paged query fetches one row more than asked, to tell the caller whether a next page exists.
    const bound: Resolved = endpoint.paged ? { ...params, limit: Number(params.limit) + 1 } : params;
    let result: Awaited<ReturnType<typeof queryJson>>;
    let windows: DeltaWindows | undefined;
    if ((spec.name === "delta_nodes" || spec.name === "delta_resources") && isMonthToDate(params)) {
      // Month-to-date pairs exist up to the data's end, which the windows' completeness states:
      // asked first for this shape only, other requests ask both at once.
      windows = await windowCompleteness(config, params);
      const end = windows.last_cost_day === null ? null : dataEnd(windows.last_cost_day, todayUtc());
      result = await queryJson(config, { name: spec.name, sql: sqlFor(spec, params, end), params: bound });
    } else {
      [result, windows] = await Promise.all([
        queryJson(config, { name: spec.name, sql: sqlFor(spec, params), params: bound }),
        endpoint.deltaWindows ? windowCompleteness(config, params) : undefined,
      ]);
    }
    const empty = endpoint.isEmpty ? endpoint.isEmpty(result.rows) : result.rows.length === 0;
    if (endpoint.nodeScoped && empty) await assertNodeExists(config, params);
    let rows = result.rows;
    const body: Record<string, unknown> = windows ? { windows } : {};
    if (endpoint.paged) {
      const limit = Number(params.limit);
      const offset = Number(params.offset);
      const hasMore = rows.length > limit;
      rows = rows.slice(0, limit);
      // `total_rows` (count() OVER ()) is in every row the query returns; past the end there is none.
      const total = rows[0]?.total_rows;
      body.page = {
        limit,
        offset,
        has_more: hasMore,
        next_offset: hasMore ? offset + limit : null,
        total: total === undefined ? null : Number(total),
      };
    }
    return jsonResponse({
      data: rows,
      params,
      ...body,
      meta: { query: spec.name, columns: result.columns, rows: rows.length, elapsed_ms: result.elapsedMs },
    }, 200, caching);
  };
}

/** The last day with attributed cost, or null when there is none. */
async function lastCostDay(config: ClickHouseConfig): Promise<string | null> {
  const result = await queryJson(config, { name: "last_cost_day", sql: LOOKUPS.last_cost_day.sql, params: {} });
  const day = result.rows[0]?.last_cost_day;
  return day === null || day === undefined ? null : String(day);
}

/** The `windows` block of a delta answer: days with cost data and provisional days per window. */
async function windowCompleteness(config: ClickHouseConfig, params: Resolved) {
  const names = ["base_start", "base_end", "compare_start", "compare_end"] as const;
  const bound = Object.fromEntries(names.map((name) => [name, params[name]!]));
  const result = await queryJson(config, { name: "window_completeness", sql: LOOKUPS.window_completeness.sql, params: bound });
  return deltaWindows(params, result.rows[0] ?? {});
}

/** Empty results for a node id that names nothing, on any day, are a 404 rather than an empty 200. */
async function assertNodeExists(config: ClickHouseConfig, params: Resolved): Promise<void> {
  const nodeId = String(params.node_id);
  if (nodeId === "") return;
  const lookup = LOOKUPS.node_exists;
  const bound = { hierarchy: params.hierarchy ?? "logical", node_id: nodeId };
  const result = await queryJson(config, { name: "node_exists", sql: lookup.sql, params: bound });
  if (Number(result.rows[0]?.node_exists ?? 0) === 0) {
    throw new ApiError(404, "not_found", `node '${nodeId}' does not exist in the ${bound.hierarchy} hierarchy`);
  }
}

/** ClickHouse reachability and data freshness; 503 when ClickHouse cannot be reached. */
export async function healthHandler({ env }: RouteContext<Env>): Promise<Response> {
  const config = configFromEnv(env);
  let latencyMs: number;
  try {
    latencyMs = await ping(config);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return jsonResponse(
      { status: "unavailable", environment: env.POLO_ENV, clickhouse: { reachable: false }, error: { code: error.code, message: error.message } },
      503,
    );
  }
  const spec = QUERIES.freshness;
  try {
    // The UI's default windows end with the last cost day (issue 15), and the UI asks for
    // health before its first window: both answers in one round trip from the browser.
    const [freshness, lastDay] = await Promise.all([
      queryJson(config, { name: spec.name, sql: spec.sql, params: {} }),
      lastCostDay(config),
    ]);
    return jsonResponse({
      status: "ok",
      environment: env.POLO_ENV,
      clickhouse: { reachable: true, latency_ms: latencyMs },
      freshness: freshness.rows,
      last_cost_day: lastDay,
    });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    // Reachable but the freshness view failed (e.g. migrations not applied): degraded, not down.
    return jsonResponse({
      status: "degraded",
      environment: env.POLO_ENV,
      clickhouse: { reachable: true, latency_ms: latencyMs },
      freshness: null,
      last_cost_day: null,
      error: { code: error.code, message: error.message },
    });
  }
}
