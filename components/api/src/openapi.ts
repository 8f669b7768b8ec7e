/**
 * The OpenAPI 3.1 document, generated from the endpoint table and the query registry so it
 * always describes the parameters the Worker actually validates.
 */
import { formatsOf, MAX_CSV_ROWS, QUERY_ENDPOINTS, type QueryEndpoint } from "./endpoints";
import type { ParamSpec } from "./params";
import { QUERIES } from "./queries/registry";

type Json = Record<string, unknown>;

const errorRef = (description: string): Json => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const COMMON_ERRORS: Json = {
  "400": errorRef("Bad parameter: malformed or reversed dates, window too long, unknown enum value or parameter, oversized page."),
  "401": errorRef("No valid Cloudflare Access token."),
  "403": errorRef("The token was issued for another Access application or team."),
  "500": errorRef("The Worker is misconfigured."),
  "502": errorRef("ClickHouse failed or could not be reached."),
  "504": errorRef("ClickHouse did not answer in time."),
};

/**
 * The "Columns" paragraph of a named query's header comment, so the document describes the rows
 * in the words of the SQL's author and cannot drift from the file that is actually served.
 */
export function columnsDoc(sql: string): string | undefined {
  const lines = sql.split("\n");
  const start = lines.findIndex((line) => /^--\s*Columns\b/.test(line));
  if (start === -1) return undefined;
  const paragraph: string[] = [];
  for (const line of lines.slice(start)) {
    const text = /^--\s?(.*)$/.exec(line)?.[1]?.trim();
    if (!text) break;
    paragraph.push(text);
  }
  return paragraph.join(" ").replace(/^Columns:?\s*/, "");
}

function paramSchema(spec: ParamSpec): Json {
  switch (spec.kind) {
    case "date":
      return { type: "string", format: "date" };
    case "text":
      return {
        type: "string",
        maxLength: spec.maxLength,
        ...(spec.pattern ? { pattern: spec.pattern.source } : {}),
        ...(spec.required ? {} : { default: "" }),
      };
    case "enum":
      return { type: "string", enum: [...spec.values], default: spec.default };
    case "uint":
      return { type: "integer", minimum: spec.min, maximum: spec.max, default: spec.default };
  }
}

function operation(endpoint: QueryEndpoint): Json {
  const spec = QUERIES[endpoint.query];
  const parameters: Json[] = Object.entries(spec.params).map(([name, param]) => ({
    name,
    in: "query",
    required: param.kind === "text" && param.required,
    description: param.description,
    schema: paramSchema(param),
  }));
  const content: Json = {
    "application/json": {
      schema: { $ref: endpoint.paged ? "#/components/schemas/PagedQueryResult" : "#/components/schemas/QueryResult" },
    },
  };
  const formats = formatsOf(endpoint);
  if (formats.length > 1) {
    parameters.push({
      name: "format",
      in: "query",
      required: false,
      description:
        `${formats.filter((f) => f !== "json").map((f) => `'${f}'`).join(" or ")} streams the rows ` +
        `(CSV with a header row; Parquet), limit up to ${MAX_CSV_ROWS}.`,
      schema: { type: "string", enum: formats, default: "json" },
    });
    if (endpoint.csv) content["text/csv"] = { schema: { type: "string" } };
    if (endpoint.parquet) content["application/vnd.apache.parquet"] = { schema: { type: "string", format: "binary" } };
  }
  return {
    operationId: endpoint.query,
    tags: [endpoint.tag],
    summary: endpoint.summary,
    description: [
      endpoint.description,
      `Named query: \`${endpoint.query}\`.`,
      ...(columnsDoc(spec.sql) ? [`Columns: ${columnsDoc(spec.sql)}`] : []),
    ].join("\n\n"),
    parameters,
    responses: {
      "200": { description: "Rows of the named query.", content },
      ...COMMON_ERRORS,
      ...("node_id" in spec.params ? { "404": errorRef("node_id does not exist in the hierarchy.") } : {}),
    },
  };
}

export function openApiDocument(serverUrl: string): Json {
  const paths: Json = {
    "/api/health": {
      get: {
        operationId: "health",
        tags: ["meta"],
        summary: "ClickHouse reachability and data freshness",
        responses: {
          "200": {
            description: "Reachable; status 'ok', or 'degraded' when the freshness query failed.",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Health" } } },
          },
          "503": {
            description: "ClickHouse cannot be reached.",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Health" } } },
          },
          "401": COMMON_ERRORS["401"],
          "403": COMMON_ERRORS["403"],
        },
      },
    },
    "/api/openapi.json": {
      get: {
        operationId: "openapi",
        tags: ["meta"],
        summary: "This document",
        responses: { "200": { description: "OpenAPI 3.1 document.", content: { "application/json": {} } } },
      },
    },
  };
  for (const endpoint of QUERY_ENDPOINTS) paths[endpoint.path] = { get: operation(endpoint) };

  return {
    openapi: "3.1.0",
    info: {
      title: "Polo API",
      version: "1.0.0",
      description:
        "Cloud-cost attribution: who is spending what, and why it changed. Windows are [start, end) with end " +
        "exclusive, at most 366 days. Money is returned as decimal strings (exact to the cent and beyond), never " +
        "as JSON numbers.",
    },
    servers: [{ url: serverUrl }],
    security: [{ cloudflareAccess: [] }],
    paths,
    components: {
      securitySchemes: {
        cloudflareAccess: {
          type: "apiKey",
          in: "header",
          name: "Cf-Access-Jwt-Assertion",
          description: "The JWT Cloudflare Access adds to every request it lets through.",
        },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: {
                  type: "string",
                  examples: ["bad_request", "unauthenticated", "forbidden", "not_found", "clickhouse_error", "clickhouse_timeout"],
                },
                message: { type: "string" },
              },
            },
          },
        },
        QueryResult: {
          type: "object",
          required: ["data", "params", "meta"],
          properties: {
            data: {
              type: "array",
              description: "One object per row. Decimal and 64-bit integer columns are strings.",
              items: { type: "object" },
            },
            params: { type: "object", description: "Every parameter as bound, defaults included." },
            windows: {
              $ref: "#/components/schemas/DeltaWindows",
              description: "Delta answers only: how complete each window's cost data is.",
            },
            meta: {
              type: "object",
              properties: {
                query: { type: "string" },
                columns: {
                  type: "array",
                  items: { type: "object", properties: { name: { type: "string" }, type: { type: "string" } } },
                },
                rows: { type: "integer" },
                elapsed_ms: { type: "number" },
              },
            },
          },
        },
        WindowCompleteness: {
          type: "object",
          properties: {
            start: { type: "string", format: "date" },
            end: { type: "string", format: "date" },
            days: { type: "integer", description: "Days the window spans." },
            days_with_cost: { type: "integer", description: "Days with attributed cost." },
            provisional_days: { type: "integer", description: "Days whose cost Cost Explorer may still revise." },
            days_after_last_cost_day: { type: "integer" },
            complete: { type: "boolean", description: "Every day of the window holds cost data." },
          },
        },
        DeltaWindows: {
          type: "object",
          properties: {
            last_cost_day: { type: ["string", "null"], format: "date" },
            base: { $ref: "#/components/schemas/WindowCompleteness" },
            compare: { $ref: "#/components/schemas/WindowCompleteness" },
            complete: {
              type: "boolean",
              description: "false when a window has days without cost data (e.g. it reaches past the last cost day): its lower total is missing data, not a drop.",
            },
            note: { type: ["string", "null"] },
          },
        },
        PagedQueryResult: {
          allOf: [
            { $ref: "#/components/schemas/QueryResult" },
            {
              type: "object",
              required: ["page"],
              properties: {
                page: {
                  type: "object",
                  properties: {
                    limit: { type: "integer" },
                    offset: { type: "integer" },
                    has_more: { type: "boolean" },
                    next_offset: { type: ["integer", "null"] },
                    total: { type: ["integer", "null"], description: "Rows matching the filters; null past the last page." },
                  },
                },
              },
            },
          ],
        },
        Health: {
          type: "object",
          required: ["status", "clickhouse"],
          properties: {
            status: { type: "string", enum: ["ok", "degraded", "unavailable"] },
            environment: { type: "string" },
            clickhouse: {
              type: "object",
              properties: { reachable: { type: "boolean" }, latency_ms: { type: "number" } },
            },
            freshness: { type: ["array", "null"], items: { type: "object" } },
            last_cost_day: {
              type: ["string", "null"],
              format: "date",
              description: "The last day with attributed cost (null: none, or the query failed). Default windows end with it.",
            },
            error: { $ref: "#/components/schemas/Error/properties/error" },
          },
        },
      },
    },
  };
}
