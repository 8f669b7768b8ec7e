/**
 * Starts the whole local stack once for the suite: ClickHouse seeded with the demo organisation,
 * the Worker (wrangler dev, workerd), and the built UI (vite preview). POLO_E2E_UI_URL skips all of
 * it and tests a running UI (e.g. polo-up's http://127.0.0.1:5173); POLO_E2E_CLICKHOUSE_URL is then
 * needed for the test that stops an API of its own.
 */
import { ensureBuilt, startClickHouse, startPreview, startWorker } from "./support/stack.mjs";

export default async function globalSetup() {
  if (process.env.POLO_E2E_UI_URL) {
    console.log(`[e2e] testing the running UI at ${process.env.POLO_E2E_UI_URL}`);
    return async () => {};
  }
  ensureBuilt();
  const clickhouse = await startClickHouse();
  let worker;
  let ui;
  try {
    worker = await startWorker(clickhouse.url);
    ui = await startPreview(worker.url);
  } catch (error) {
    await worker?.stop();
    clickhouse.stop();
    throw error;
  }
  process.env.POLO_E2E_UI_URL = ui.url;
  process.env.POLO_E2E_CLICKHOUSE_URL = clickhouse.url;
  console.log(`[e2e] UI ${ui.url} -> Worker ${worker.url} -> ClickHouse ${clickhouse.url}`);
  return async () => {
    try {
      await ui.stop();
      await worker.stop();
    } finally {
      clickhouse.stop();
    }
  };
}
