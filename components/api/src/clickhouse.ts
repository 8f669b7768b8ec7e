/**
 * Client for the ClickHouse HTTP interface.
 *
 * The SQL travels in the POST body and every value travels as a `param_<name>` URL parameter that
 * ClickHouse binds to a `{name:Type}` placeholder, so no caller-supplied text is ever spliced into
 * SQL. Failures become ApiErrors whose messages name the query and the ClickHouse error code but
 * never the SQL, the server's exception text, the URL or the credentials (those go to the Worker
 * log only, without the credentials).
 */
import { ApiError } from "./errors";

export interface ClickHouseConfig {
  /** Base URL of the HTTP interface, e.g. `https://ch.example.com:8443`; a path selects the database. */
  url: string;
  user?: string;
  password?: string;
  database: string;
  timeoutMs: number;
}

export interface ColumnMeta {
  name: string;
  type: string;
}

export interface QueryResult {
  rows: Record<string, unknown>[];
  columns: ColumnMeta[];
  elapsedMs: number;
}

export type ParamValue = string | number;

export interface QueryRequest {
  /** Query name, used in error messages and logs instead of the SQL. */
  name: string;
  sql: string;
  params: Record<string, ParamValue>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Where Polo's tables live when the URL names no database (the Python tools use the same default). */
export const DEFAULT_DATABASE = "polo";

/** ClickHouse error codes that mean "the server gave up on time", reported as 504. */
const TIMEOUT_CODES = new Set([159 /* TIMEOUT_EXCEEDED */, 209 /* SOCKET_TIMEOUT */, 394 /* QUERY_WAS_CANCELLED */]);

/** Settings sent with every query: exact decimals as strings, errors reported before any data. */
const QUERY_SETTINGS: Record<string, string> = {
  output_format_json_quote_decimals: "1",
  output_format_json_quote_64bit_integers: "1",
  // Buffer the result server-side so an exception mid-query becomes an HTTP error status instead
  // of a truncated 200 body.
  wait_end_of_query: "1",
};

export function configFromEnv(env: {
  CLICKHOUSE_URL?: string;
  CLICKHOUSE_USER?: string;
  CLICKHOUSE_PASSWORD?: string;
  CLICKHOUSE_DATABASE?: string;
  CLICKHOUSE_TIMEOUT_MS?: string;
}): ClickHouseConfig {
  if (!env.CLICKHOUSE_URL) {
    throw new ApiError(500, "misconfigured", "CLICKHOUSE_URL is not configured for this Worker");
  }
  let parsed: URL;
  try {
    parsed = new URL(env.CLICKHOUSE_URL);
  } catch {
    throw new ApiError(500, "misconfigured", "CLICKHOUSE_URL is not a valid URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ApiError(500, "misconfigured", "CLICKHOUSE_URL must be an http(s) URL");
  }
  // Credentials embedded in the URL (the Python tools' `http://user:pass@host/db` form) are
  // honoured, but the secrets win, and the URL we fetch never carries them.
  const user = env.CLICKHOUSE_USER || decodeURIComponent(parsed.username) || undefined;
  const password = env.CLICKHOUSE_PASSWORD || decodeURIComponent(parsed.password) || undefined;
  const pathDatabase = decodeURIComponent(parsed.pathname.replace(/^\/+|\/+$/g, ""));
  const database = env.CLICKHOUSE_DATABASE || pathDatabase || DEFAULT_DATABASE;
  parsed.username = "";
  parsed.password = "";
  parsed.pathname = "/";
  parsed.search = "";
  const timeoutMs = env.CLICKHOUSE_TIMEOUT_MS ? Number(env.CLICKHOUSE_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new ApiError(500, "misconfigured", "CLICKHOUSE_TIMEOUT_MS must be a positive integer");
  }
  return { url: parsed.toString(), user, password, database, timeoutMs };
}

/** Characters ClickHouse's escaped text form gives a meaning to, and their escape sequences. */
const PARAM_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
  "\0": "\\0",
};

/**
 * The one encoding of a bound value for ClickHouse's HTTP interface (`param_<name>`).
 *
 * ClickHouse parses `param_` values in its *escaped* text form (as in TabSeparated): a backslash
 * starts an escape sequence, a tab or a line feed ends the value, and `\N` alone is NULL (the
 * type's default for a non-Nullable parameter, so `''`, which Polo's filters read as "any").
 * Doubling every backslash and escaping the separators (in one pass) makes every string arrive
 * exactly as given: `\N` becomes `\\N`, the two characters backslash and N. Python's twin is
 * `clickhouse.query_params.encode_param`; both are property-tested through
 * `SELECT {p:String}` against a real ClickHouse.
 */
export function encodeParam(value: ParamValue): string {
  return String(value).replace(/[\\\t\n\r\0]/g, (c) => PARAM_ESCAPES[c] as string);
}

/** Builds the HTTP request for a query; exported so tests can check what goes on the wire. */
export function buildRequest(config: ClickHouseConfig, query: QueryRequest, format: string): Request {
  const url = new URL(config.url);
  for (const [key, value] of Object.entries(QUERY_SETTINGS)) url.searchParams.set(key, value);
  // The server-side limit is a little shorter than ours, so ClickHouse usually reports the timeout
  // itself (code 159) and frees the query; our AbortController is the backstop.
  url.searchParams.set("max_execution_time", String(Math.max(1, Math.floor(config.timeoutMs / 1000) - 1)));
  url.searchParams.set("database", config.database);
  for (const [key, value] of Object.entries(query.params)) url.searchParams.set(`param_${key}`, encodeParam(value));
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (config.user) {
    headers["x-clickhouse-user"] = config.user;
    if (config.password) headers["x-clickhouse-key"] = config.password;
  }
  return new Request(url.toString(), { method: "POST", headers, body: withFormat(query.sql, format) });
}

/** Appends the FORMAT clause on its own line, after any trailing semicolon or line comment. */
export function withFormat(sql: string, format: string): string {
  const body = stripTrailing(sql);
  return `${body}\nFORMAT ${format}`;
}

function stripTrailing(sql: string): string {
  let text = sql.trimEnd();
  while (text.endsWith(";")) text = text.slice(0, -1).trimEnd();
  return text;
}

/** Extracts N from ClickHouse's `Code: N. DB::Exception: ...` error body. */
export function clickhouseErrorCode(body: string): number | undefined {
  const match = /Code:\s*(\d+)\.?/.exec(body);
  return match ? Number(match[1]) : undefined;
}

async function send(config: ClickHouseConfig, query: QueryRequest, format: string): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), config.timeoutMs);
  const started = Date.now();
  try {
    const response = await fetch(buildRequest(config, query, format), { signal: controller.signal });
    if (!response.ok) {
      const body = await response.text();
      throw mapServerError(query.name, response.status, body, response.headers.get("x-clickhouse-exception-code"));
    }
    return response;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (controller.signal.aborted) {
      console.error(`clickhouse query ${query.name} timed out after ${Date.now() - started} ms`);
      throw new ApiError(504, "clickhouse_timeout", `ClickHouse did not answer query '${query.name}' within ${config.timeoutMs} ms`);
    }
    console.error(`clickhouse query ${query.name} could not reach the server: ${String(error)}`);
    throw new ApiError(502, "clickhouse_unavailable", `ClickHouse could not be reached for query '${query.name}'`);
  } finally {
    clearTimeout(timer);
  }
}

function mapServerError(name: string, status: number, body: string, headerCode: string | null): ApiError {
  const code = headerCode ? Number(headerCode) : clickhouseErrorCode(body);
  // The exception text can quote the SQL: it goes to the Worker log, never to the client.
  console.error(`clickhouse query ${name} failed: HTTP ${status}: ${body.slice(0, 2000)}`);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new ApiError(504, "clickhouse_timeout", `ClickHouse timed out running query '${name}' (ClickHouse error ${code})`);
  }
  const detail = code !== undefined ? `ClickHouse error ${code}` : `HTTP ${status}`;
  return new ApiError(502, "clickhouse_error", `ClickHouse failed to run query '${name}' (${detail})`);
}

/** Runs a query with `FORMAT JSON` and returns its rows; decimals and 64-bit integers come back as strings. */
export async function queryJson(config: ClickHouseConfig, query: QueryRequest): Promise<QueryResult> {
  const response = await send(config, query, "JSON");
  const text = await response.text();
  let parsed: { data?: unknown; meta?: unknown; statistics?: { elapsed?: number }; exception?: string };
  try {
    parsed = JSON.parse(text);
  } catch {
    throw mapServerError(query.name, response.status, text, null);
  }
  if (parsed.exception || !Array.isArray(parsed.data) || !Array.isArray(parsed.meta)) {
    throw mapServerError(query.name, response.status, parsed.exception ?? text, null);
  }
  return {
    rows: parsed.data as Record<string, unknown>[],
    columns: parsed.meta as ColumnMeta[],
    elapsedMs: Math.round((parsed.statistics?.elapsed ?? 0) * 1000 * 1000) / 1000,
  };
}

/** ClickHouse output formats the API streams through unchanged. */
export type StreamFormat = "CSVWithNames" | "Parquet";

/** Runs a query and returns ClickHouse's own output in `format` as a stream. */
export async function queryStream(
  config: ClickHouseConfig,
  query: QueryRequest,
  format: StreamFormat,
): Promise<ReadableStream<Uint8Array>> {
  const response = await send(config, query, format);
  if (!response.body) throw mapServerError(query.name, response.status, "", null);
  return response.body;
}

/** Cheapest possible round trip, for the health endpoint. */
export async function ping(config: ClickHouseConfig): Promise<number> {
  const started = Date.now();
  await queryJson(config, { name: "ping", sql: "SELECT 1 AS ok", params: {} });
  return Date.now() - started;
}
