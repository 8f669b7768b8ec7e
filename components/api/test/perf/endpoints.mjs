#!/usr/bin/env node
/**
 * Latency of every endpoint through the Worker (workerd via `wrangler dev`) on the seeded dataset.
 *
 *   node test/perf/endpoints.mjs [--iterations N] [--warmup N]
 *
 * Starts and seeds its own ClickHouse and Worker unless POLO_IT_CLICKHOUSE_URL / POLO_IT_WORKER_URL
 * point at running ones (see test/support/stack.mjs). Requests are sequential, so the figures are
 * per-request latency, not throughput. Target (reported, not asserted): p95 under 500 ms per
 * endpoint on the demo dataset on a 2-core machine. Exits 1 if any request is not a 200.
 */
import { endpointCases, discover } from "../support/cases.mjs";
import { exitOnSignals, startClickHouse, startWorker } from "../support/stack.mjs";

const TARGET_P95_MS = 500;

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number`);
    process.exit(2);
  }
  return value;
}

function percentile(sorted, p) {
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

async function timed(url) {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

async function main() {
  exitOnSignals();
  const iterations = option("iterations", 30);
  const warmup = option("warmup", 3);
  const clickhouse = await startClickHouse();
  let worker;
  try {
    worker = await startWorker(clickhouse.url);
    const cases = endpointCases(await discover(clickhouse.url));
    console.log(`\n${cases.length} requests x ${iterations} iterations (after ${warmup} warm-up), sequential, through ${worker.url}`);
    const rows = [];
    let failures = 0;
    for (const { label, path, qs } of cases) {
      const url = `${worker.url}${path}?${qs}`;
      for (let i = 0; i < warmup; i += 1) await timed(url);
      const samples = [];
      for (let i = 0; i < iterations; i += 1) {
        const { ms, status } = await timed(url);
        if (status !== 200) failures += 1;
        samples.push(ms);
      }
      samples.sort((a, b) => a - b);
      rows.push({ label, p50: percentile(samples, 50), p95: percentile(samples, 95), max: samples.at(-1) });
      process.stdout.write(".");
    }
    process.stdout.write("\n\n");
    const width = Math.max(...rows.map((r) => r.label.length), 8);
    const fmt = (ms) => ms.toFixed(1).padStart(9);
    console.log(`${"endpoint".padEnd(width)} ${"p50 ms".padStart(9)} ${"p95 ms".padStart(9)} ${"max ms".padStart(9)}  target p95 < ${TARGET_P95_MS} ms`);
    for (const row of rows) {
      const verdict = row.p95 < TARGET_P95_MS ? "ok" : "SLOW";
      console.log(`${row.label.padEnd(width)} ${fmt(row.p50)} ${fmt(row.p95)} ${fmt(row.max)}  ${verdict}`);
    }
    if (failures > 0) {
      console.error(`\n${failures} request(s) did not answer 200`);
      process.exitCode = 1;
    }
  } finally {
    if (worker) await worker.stop();
    clickhouse.stop();
  }
}

main().catch((error) => {
  console.error(`perf: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
