/**
 * What a user sees on the UI's delta pages, read in one headless Chromium (docs/e2e.md).
 *
 *   node ui_pages.mjs <components/ui dir> <UI url> '["/delta?path=...", ...]'
 *
 * Prints a JSON list, one entry per path, in order:
 *   { path, title, summary: { "Total A": "123.456000", "Created": ..., ... }, events: [text, ...] | null }
 * `summary` maps each label of the page's total A → total B summary to the exact decimal the page
 * renders (a Money element keeps it in its `title`); `events` holds the lines of the lifecycle
 * events panel when the path opens one (`resource=`). The story compares both with the fleet's
 * truth in Python, in Decimal. Playwright's Node API comes from the UI's own node_modules; the
 * browser is Debian's Chromium ($POLO_CHROMIUM, default /usr/bin/chromium), never a download.
 */
import { createRequire } from "node:module";
import { join } from "node:path";

const [uiDir, baseUrl, pathsJson] = process.argv.slice(2);
const { chromium } = createRequire(join(uiDir, "package.json"))("playwright-core");
const TIMEOUT_MS = 60_000;

const browser = await chromium.launch({
  executablePath: process.env.POLO_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
const pages = [];
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(TIMEOUT_MS);
  const failures = [];
  page.on("pageerror", (error) => failures.push(String(error)));
  for (const path of JSON.parse(pathsJson)) {
    await page.goto(baseUrl + path);
    const summary = page.getByTestId("delta-summary");
    await summary.waitFor();
    const values = await summary.evaluate((dl) => {
      const out = {};
      for (const dt of dl.querySelectorAll("dt")) {
        const amount = dt.nextElementSibling?.querySelector("[title]");
        if (amount) out[dt.textContent.trim()] = amount.getAttribute("title");
      }
      return out;
    });
    let events = null;
    if (new URL(baseUrl + path).searchParams.has("resource")) {
      const panel = page.getByTestId("events-panel");
      // Loaded when it shows its list or its empty state (not its skeleton).
      await panel.locator('[data-testid="events"], [data-testid="empty-state"]').first().waitFor();
      events = await panel.locator('[data-testid="events"] li').allInnerTexts();
    }
    if (await page.getByTestId("error-state").count()) {
      throw new Error(`${path}: the page shows an error: ${await page.getByTestId("error-state").first().innerText()}`);
    }
    pages.push({ path, title: await page.title(), summary: values, events });
  }
  if (failures.length) throw new Error(`uncaught errors in the page: ${failures.join("; ")}`);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(pages));
