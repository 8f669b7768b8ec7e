/** The dashboard shows the API's numbers for its window (acceptance 1). */
import { addDays, api, dataEnd, dollars, expect, lastCostDay, settled, test } from "./fixtures";

test("KPI cards equal the API's coverage for the default window (last 30 days)", async ({ page }) => {
  const end = await dataEnd(page);
  const start = addDays(end, -30);
  const coverage = (await api(page, `coverage?start=${start}&end=${end}`)).data[0];
  await page.goto("/");
  await settled(page);
  await expect(page.getByTestId("kpi-spend-value")).toHaveText(dollars(coverage.total_cost));
  await expect(page.getByTestId("kpi-unattributed-value")).toHaveText(dollars(coverage.unattributed_cost));
  const pct = (Math.round(Number(coverage.coverage_pct) * 10) / 10).toFixed(1);
  await expect(page.getByTestId("kpi-coverage-value")).toHaveText(`${pct}%`);
});

test("change vs previous window is the exact difference of the two windows' totals", async ({ page }) => {
  const end = await dataEnd(page);
  const start = addDays(end, -7);
  const now = (await api(page, `coverage?start=${start}&end=${end}`)).data[0].total_cost;
  const before = (await api(page, `coverage?start=${addDays(start, -7)}&end=${start}`)).data[0].total_cost;
  const micros = (s: string) => {
    const [w, f = ""] = s.replace("-", "").split(".");
    const v = BigInt(w) * 1_000_000n + BigInt((f + "000000").slice(0, 6));
    return s.startsWith("-") ? -v : v;
  };
  const diff = micros(now) - micros(before);
  const sign = diff < 0n ? "-" : "";
  const abs = diff < 0n ? -diff : diff;
  const text = `${sign}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, "0")}`;
  await page.goto(`/?start=${start}&end=${end}`);
  await settled(page);
  const expected = dollars(text);
  await expect(page.getByTestId("kpi-change-value")).toHaveText(diff > 0n ? `+${expected}` : expected);
});

test("top customers list the API's customers with their cost, largest first", async ({ page }) => {
  const end = await dataEnd(page);
  const start = addDays(end, -30);
  const rows = (await api(page, `costs/by-customer?start=${start}&end=${end}`)).data;
  const sorted = [...rows].sort((a, b) => Number(b.effective_cost) - Number(a.effective_cost)).slice(0, 8);
  await page.goto("/");
  await settled(page);
  const items = page.getByTestId("top-customers").locator("li");
  await expect(items).toHaveCount(sorted.length);
  for (const [index, row] of sorted.entries()) {
    await expect(items.nth(index)).toHaveAttribute("data-customer", row.customer);
    await expect(items.nth(index).getByTestId("customer-cost")).toHaveText(dollars(row.effective_cost));
  }
});

test("a preset puts the window in the URL and the numbers follow it", async ({ page }) => {
  await page.goto("/");
  await settled(page);
  await page.getByRole("button", { name: "Last 7 days" }).click();
  const end = await dataEnd(page);
  const start = addDays(end, -7);
  await expect(page).toHaveURL(new RegExp(`start=${start}&end=${end}`));
  const coverage = (await api(page, `coverage?start=${start}&end=${end}`)).data[0];
  await expect(page.getByTestId("kpi-spend-value")).toHaveText(dollars(coverage.total_cost));
  await expect(page.getByRole("button", { name: "Last 7 days" })).toHaveAttribute("aria-pressed", "true");
});

test("last month preset asks for the previous calendar month", async ({ page }) => {
  await page.goto("/");
  await settled(page);
  await page.getByRole("button", { name: "Last month" }).click();
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
  const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
  await expect(page).toHaveURL(new RegExp(`start=${previous}&end=${first}`));
  await settled(page);
  await expect(page.getByTestId("error-state")).toHaveCount(0);
});

test("data freshness comes from the collectors' runs", async ({ page }) => {
  const health = await (await page.request.get("/api/health")).json();
  await page.goto("/");
  await settled(page);
  await expect(page.getByTestId("kpi-freshness")).toContainText(health.freshness.length ? "oldest collector" : "no collector runs");
  await expect(page.getByTestId("api-health")).toHaveText(`API ${health.status}`);
});

test("a reversed window shows the API's 400 message, not raw JSON", async ({ page }) => {
  await page.goto("/?start=2026-03-10&end=2026-03-01");
  const error = page.getByTestId("error-state").first();
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute("data-kind", "bad_request");
  await expect(error).toContainText("must be before");
  await expect(error).toContainText("HTTP 400");
  await expect(page.locator("main")).not.toContainText('{"error"');
});

test("the default window ends with the last day with cost data, not with the browser's today", async ({ page }) => {
  const last_cost_day = await lastCostDay(page);
  const end = addDays(last_cost_day, 1);
  // The browser's clock 10 days past the data (cost not collected for 10 days): a window ending
  // today would compare 20 days of cost with 30 and report a fall.
  await page.clock.install({ time: new Date(`${addDays(end, 10)}T12:00:00Z`) });
  const coverage = (await api(page, `coverage?start=${addDays(end, -30)}&end=${end}`)).data[0];
  await page.goto("/");
  await settled(page);
  await expect(page.getByTestId("kpi-spend-value")).toHaveText(dollars(coverage.total_cost));
  await expect(page.getByRole("button", { name: "Last 30 days" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel("To (last day included)")).toHaveValue(last_cost_day);
  await page.getByRole("button", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(new RegExp(`start=${addDays(end, -7)}&end=${end}`));
});
