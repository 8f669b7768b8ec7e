/**
 * The ClickHouse client against real faults: a real ClickHouse exception from the local
 * endpoint, a socket that accepts and never answers, and a port nobody listens on.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { configFromEnv, queryJson } from "../../src/clickhouse";
import { ApiError } from "../../src/errors";
import { freePort, startWorker } from "../support/stack.mjs";

const clickhouseUrl = inject("clickhouseUrl");

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("ClickHouse faults", () => {
  let silent: Server;
  let silentPort: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    silentPort = await freePort();
    silent = createServer((socket) => sockets.push(socket)); // accepts, reads nothing, never answers
    await new Promise<void>((done) => silent.listen(silentPort, "127.0.0.1", done));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => silent.close(done));
  });

  it("reports health as degraded, not down, when ClickHouse answers but Polo's views are missing", async () => {
    // A Worker of its own on `system`: a database every server has, holding none of Polo's
    // tables, as a database not migrated yet.
    const worker = await startWorker(clickhouseUrl, { vars: { CLICKHOUSE_DATABASE: "system" } });
    try {
      const response = await fetch(`${worker.url}/api/health`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; clickhouse: { reachable: boolean }; freshness: unknown; last_cost_day: unknown; error: { code: string } };
      expect(body).toMatchObject({ status: "degraded", clickhouse: { reachable: true }, freshness: null, last_cost_day: null });
      expect(body.error.code).toBe("clickhouse_error");
    } finally {
      await worker.stop();
    }
  });

  it("maps a real ClickHouse exception to 502 without leaking the SQL or the server's text", async () => {
    const config = configFromEnv({ CLICKHOUSE_URL: clickhouseUrl });
    const error = await failure(
      queryJson(config, { name: "broken", sql: "SELECT secret_column FROM table_that_does_not_exist_xyz", params: {} }),
    );
    expect([error.status, error.code]).toEqual([502, "clickhouse_error"]);
    expect(error.message).toMatch(/^ClickHouse failed to run query 'broken' \(ClickHouse error \d+\)$/);
    expect(error.message).not.toMatch(/secret_column|table_that_does_not_exist|DB::Exception/);
  });

  it("maps a parameter ClickHouse cannot parse to 502 (the Worker validates first, so this is a bug signal)", async () => {
    const config = configFromEnv({ CLICKHOUSE_URL: clickhouseUrl });
    const error = await failure(queryJson(config, { name: "typed", sql: "SELECT {d:Date} AS d", params: { d: "not-a-date" } }));
    expect(error.status).toBe(502);
  });

  it("binds hostile text as a value: it comes back verbatim instead of running", async () => {
    const config = configFromEnv({ CLICKHOUSE_URL: clickhouseUrl });
    const hostile = "x'; DROP TABLE cost_daily; --";
    const result = await queryJson(config, { name: "echo", sql: "SELECT {v:String} AS v", params: { v: hostile } });
    expect(result.rows).toEqual([{ v: hostile }]);
  });

  it("gives up on a server that never answers and reports 504 promptly", async () => {
    const config = configFromEnv({ CLICKHOUSE_URL: `http://127.0.0.1:${silentPort}`, CLICKHOUSE_TIMEOUT_MS: "500" });
    const started = Date.now();
    const error = await failure(queryJson(config, { name: "slow", sql: "SELECT 1", params: {} }));
    expect([error.status, error.code]).toEqual([504, "clickhouse_timeout"]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("reports an unreachable server as 502 clickhouse_unavailable", async () => {
    const config = configFromEnv({ CLICKHOUSE_URL: `http://127.0.0.1:${await freePort()}` });
    const error = await failure(queryJson(config, { name: "down", sql: "SELECT 1", params: {} }));
    expect([error.status, error.code]).toEqual([502, "clickhouse_unavailable"]);
  });
});
