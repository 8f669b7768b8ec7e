/**
 * The real local stack for the e2e suite and the perf benchmark: ClickHouse (chlocal, seeded) and
 * the API Worker in workerd come from the API's own harness (components/api/test/support/stack.mjs,
 * which documents POLO_IT_CLICKHOUSE_URL, POLO_IT_WORKER_URL and POLO_PYTHON); this module adds the
 * UI: the production build served by `vite preview`, proxying /api to the Worker.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { exitOnSignals, freePort, killGroup, onExit, startClickHouse, startWorker } from "../../../api/test/support/stack.mjs";
import { BUILD_STAMP, inputsDigest } from "./build-inputs.mjs";

export { exitOnSignals, freePort, startClickHouse, startWorker };

export const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const VITE = join(UI_DIR, "node_modules/.bin/vite");

/**
 * Builds the UI unless dist/ holds a build of the current sources (Pants hands the e2e and perf
 * targets one from `:build`; locally, the last `vite build`); POLO_E2E_REBUILD=1 forces a build.
 */
export function ensureBuilt() {
  const stamp = join(UI_DIR, "dist", BUILD_STAMP);
  const current =
    existsSync(join(UI_DIR, "dist/index.html")) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === inputsDigest(UI_DIR);
  if (current && !process.env.POLO_E2E_REBUILD) return;
  const started = Date.now();
  const result = spawnSync(VITE, ["build", "--logLevel", "warn"], { cwd: UI_DIR, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}${result.stderr}`);
  console.log(`[stack] UI built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/**
 * `vite preview` of dist/ on a free port, proxying /api to `apiUrl`.
 * @param {string} apiUrl
 * @returns {Promise<{url: string, stop: () => Promise<void>}>}
 */
export async function startPreview(apiUrl) {
  const port = await freePort();
  const child = spawn(VITE, ["preview", "--port", String(port), "--strictPort", "--bypass-lock", "--logLevel", "warn"], {
    cwd: UI_DIR,
    env: { ...process.env, POLO_API_URL: apiUrl, POLO_UI_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
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
  while (Date.now() - started < 30_000) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(url);
      if (response.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 150));
  }
  await stop();
  throw new Error(`vite preview did not answer within 30s:\n${output}`);
}
