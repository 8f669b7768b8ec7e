/**
 * The real pieces the integration tests and the perf script run against: a local ClickHouse HTTP
 * endpoint (Polo's local stack, components/stack), seeded with the deterministic demo dataset,
 * and the Worker in workerd via `wrangler dev`. Plain JavaScript so the node perf script can use
 * it too.
 *
 * Environment (all optional):
 *   POLO_IT_CLICKHOUSE_URL  use this already-running, already-seeded ClickHouse; start nothing
 *   POLO_IT_WORKER_URL      use this already-running Worker (with the dev bypass); start no wrangler
 *   POLO_PYTHON             Python with Polo's requirements (required unless POLO_IT_CLICKHOUSE_URL
 *                          is given; Pants sets it to the components/api:polo-python pex)
 *   POLO_IT_STACK_UP        command starting ClickHouse; `{port}` is replaced (default: stack.stack up
 *                          --no-api --no-demo-data: this harness seeds and starts the Worker itself)
 *   POLO_IT_STACK_DOWN      command stopping it (default: stack.stack down --wipe)
 *   POLO_IT_SEED            command seeding it (default: python -m attribution.seed); '' skips seeding
 * Commands run from the repository root with PYTHONPATH=components, POLO_HOME set to a private
 * temporary directory, and POLO_CLICKHOUSE_URL set once ClickHouse is up.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const API_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const REPO_ROOT = resolve(API_DIR, "../..");
export const QUERIES_DIR = join(API_DIR, "src/queries");

/**
 * Runs `cleanup` when this process exits, however it exits, unless cancelled first (the returned
 * function): a script stopped by Ctrl-C never reaches its `finally`, and the process groups this
 * module starts (workerd, vite, the ClickHouse endpoint) would outlive it. Exit handlers cannot
 * wait, so `cleanup` must be synchronous.
 * @param {() => void} cleanup
 * @returns {() => void}
 */
export function onExit(cleanup) {
  process.once("exit", cleanup);
  return () => process.removeListener("exit", cleanup);
}

/** For plain node scripts: SIGINT and SIGTERM end the process normally, so onExit cleanups run. */
export function exitOnSignals() {
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
}

/**
 * Kills a process group now (exit handlers cannot wait for a graceful stop).
 * @param {number} pid
 */
export function killGroup(pid) {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export function python() {
  const configured = process.env.POLO_PYTHON;
  if (!configured) {
    // A bare `python3` lacks Polo's requirements and fails much later with an import error.
    throw new Error(
      "POLO_PYTHON is not set: point it at a Python with Polo's requirements, or run the suite " +
        "through Pants (`./pants test --tag=integration components/api::`), which sets it",
    );
  }
  return configured;
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs a shell command to completion, echoing a one-line summary; throws with its output on failure. */
function run(label, command, env) {
  const started = Date.now();
  const result = spawnSync(command, { shell: true, cwd: REPO_ROOT, env, encoding: "utf8" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-25).join("\n");
    throw new Error(`${label} failed (exit ${result.status}, ${seconds}s): ${command}\n${output}`);
  }
  console.log(`[stack] ${label} ok in ${seconds}s`);
  return result.stdout;
}

/**
 * Starts (or adopts) ClickHouse and seeds it. Returns `{url, stop}`.
 * @returns {Promise<{url: string, stop: () => void}>}
 */
export async function startClickHouse() {
  if (process.env.POLO_IT_CLICKHOUSE_URL) {
    console.log(`[stack] using ClickHouse at ${process.env.POLO_IT_CLICKHOUSE_URL} (POLO_IT_CLICKHOUSE_URL)`);
    return { url: process.env.POLO_IT_CLICKHOUSE_URL, stop: () => {} };
  }
  const home = mkdtempSync(join(tmpdir(), "polo-api-it-"));
  const port = await freePort();
  const py = python();
  const env = { ...process.env, POLO_HOME: home, PYTHONPATH: join(REPO_ROOT, "components") };
  delete env.POLO_CLICKHOUSE_URL;
  const up = (process.env.POLO_IT_STACK_UP ?? `${py} -m stack.stack up --port {port} --no-api --no-demo-data`).replaceAll("{port}", String(port));
  const down = process.env.POLO_IT_STACK_DOWN ?? `${py} -m stack.stack down --wipe`;
  let cancelExit = () => {};
  const stop = () => {
    cancelExit();
    try {
      run("ClickHouse stop", down, env);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  };
  cancelExit = onExit(stop);
  try {
    run("ClickHouse start", up, env);
    const endpoint = JSON.parse(readFileSync(join(home, "chlocal.json"), "utf8"));
    env.POLO_CLICKHOUSE_URL = endpoint.url;
    const seed = process.env.POLO_IT_SEED ?? `${py} -m attribution.seed`;
    if (seed) run("seed", seed, env);
    return { url: endpoint.url, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/**
 * Starts the Worker with `wrangler dev` (workerd) against `clickhouseUrl`, with the dev bypass.
 * @param {string} clickhouseUrl
 * @param {{vars?: Record<string, string>}} [options]
 * @returns {Promise<{url: string, stop: () => Promise<void>}>}
 */
export async function startWorker(clickhouseUrl, options = {}) {
  // A running Worker is adopted only when no vars are asked for: it was not started with them.
  if (process.env.POLO_IT_WORKER_URL && !options.vars) {
    return { url: process.env.POLO_IT_WORKER_URL, stop: async () => {} };
  }
  const port = await freePort();
  const vars = { CLICKHOUSE_URL: clickhouseUrl, POLO_AUTH_DEV_BYPASS: "1", ...options.vars };
  const args = [
    "dev",
    "--ip", "127.0.0.1",
    "--port", String(port),
    "--inspector-port", String(await freePort()),
    "--show-interactive-dev-session=false",
    "--log-level", "warn",
    ...Object.entries(vars).flatMap(([key, value]) => ["--var", `${key}:${value}`]),
  ];
  const child = spawn(join(API_DIR, "node_modules/.bin/wrangler"), args, {
    cwd: API_DIR,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stop() also ends workerd
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const cancelExit = onExit(() => killGroup(child.pid));
  const stop = async () => {
    cancelExit();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once("exit", done));
    process.kill(-child.pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(child.pid), 5000);
    await exited;
    clearTimeout(timer);
  };
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/api/openapi.json`);
      if (response.ok) {
        console.log(`[stack] Worker up at ${url} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
        return { url, stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
  await stop();
  throw new Error(`wrangler dev did not answer within 60s:\n${output}`);
}

/**
 * Runs SQL directly against ClickHouse's HTTP interface (no Worker), with the same settings the
 * Worker uses, and returns the parsed FORMAT JSON body.
 * @param {string} clickhouseUrl
 * @param {string} sql
 * @param {Record<string, string | number>} [params]
 */
export async function clickhouseJson(clickhouseUrl, sql, params = {}) {
  const base = new URL(clickhouseUrl);
  const url = new URL("/", base);
  url.searchParams.set("database", base.pathname.replace(/^\/+|\/+$/g, "") || "polo");
  url.searchParams.set("output_format_json_quote_decimals", "1");
  url.searchParams.set("output_format_json_quote_64bit_integers", "1");
  for (const [key, value] of Object.entries(params)) url.searchParams.set(`param_${key}`, String(value));
  const headers = {};
  if (base.username) {
    headers["x-clickhouse-user"] = decodeURIComponent(base.username);
    headers["x-clickhouse-key"] = decodeURIComponent(base.password);
  }
  const body = `${sql.trimEnd().replace(/;+$/, "")}\nFORMAT JSON`;
  const response = await fetch(url, { method: "POST", body, headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`ClickHouse ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

function daysApart(start, end) {
  return (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000;
}

/**
 * The text of a named query, as the Worker bundles it, for the parameters it was bound with:
 * `delta_nodes` is answered by one file per kind of node (the rule of `deltaNodesFile` in
 * src/queries/registry.ts and `delta_nodes_file` in attribution/queries.py, restated here so that
 * the test does not run the Worker's own routing).
 */
export function namedQuery(name, params = {}) {
  let file = name;
  if (name === "delta_nodes") {
    const hierarchy = String(params.hierarchy ?? "");
    const node = String(params.node_id ?? "");
    const week =
      params.base_end === params.compare_start &&
      daysApart(params.base_start, params.base_end) === 7 &&
      daysApart(params.compare_start, params.compare_end) === 7;
    const b0 = String(params.compare_start ?? "");
    const shift = (day, months) => {
      const [y, m] = day.split("-").map(Number);
      return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
    };
    const month =
      /^\d{4}-\d{2}-01$/.test(b0) &&
      params.base_end === b0 &&
      params.base_start === shift(b0, -1) &&
      params.compare_end === shift(b0, 1);
    if (week) file = node === "" ? "delta_nodes_root_week" : "delta_nodes_week";
    else if (month) file = node === "" ? "delta_nodes_root_month" : "delta_nodes_month";
    else if (node === "") file = "delta_nodes_root";
    else if (hierarchy === "logical" || node.startsWith("unresourced:")) file = "delta_nodes_owner";
    else if (node.startsWith("account:")) file = "delta_nodes_account";
    else file = "delta_nodes_closure";
  }
  return readFileSync(join(QUERIES_DIR, `${file}.sql`), "utf8");
}
