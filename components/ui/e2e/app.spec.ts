/** The shell: theme, navigation by keyboard, unknown routes, and an API that stops mid-session. */
import { expect, settled, test } from "./fixtures";
import { startPreview, startWorker } from "./support/stack.mjs";

test("the theme toggle switches to dark and the choice survives a reload", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  await settled(page);
  await expect(page.locator("html")).not.toHaveClass(/dark/);
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).not.toHaveClass(/dark/);
  expect(await page.evaluate(() => localStorage.getItem("polo-theme"))).toBe("light");
});

test("without a stored choice the theme follows the system", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.emulateMedia({ colorScheme: "light" });
  await expect(page.locator("html")).not.toHaveClass(/dark/);
});

test("every main navigation link is reachable by keyboard", async ({ page }) => {
  await page.goto("/");
  await settled(page);
  const seen = new Set<string>();
  for (let i = 0; i < 20; i += 1) {
    await page.keyboard.press("Tab");
    const text = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? "");
    if (text) seen.add(text);
  }
  for (const label of ["Skip to content", "Dashboard", "Delta", "Costs", "Resources", "Hierarchy"]) expect([...seen]).toContain(label);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Costs" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/costs$/);
});

test("an unknown route shows a not-found page with a way back", async ({ page }) => {
  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Back to the dashboard" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("the API stopped mid-session: pages say it is unreachable, not raw errors", async ({ browser }) => {
  const clickhouse = process.env.POLO_E2E_CLICKHOUSE_URL;
  test.skip(!clickhouse, "needs POLO_E2E_CLICKHOUSE_URL to start an API of its own");
  // An API and a UI of this test's own, so that stopping the API leaves the suite's stack alone.
  const worker = await startWorker(clickhouse!);
  const ui = await startPreview(worker.url);
  const page = await browser.newPage();
  try {
    await page.goto(ui.url + "/costs");
    await settled(page);
    await expect(page.getByTestId("costs-table")).toBeVisible();
    await worker.stop();
    // A new window means a new request, which now meets a stopped API.
    await page.getByRole("button", { name: "Last 7 days" }).click();
    const error = page.getByTestId("error-state").first();
    await expect(error).toBeVisible({ timeout: 30_000 });
    await expect(error).toHaveAttribute("data-kind", "unavailable");
    await expect(error).toContainText("The API is not reachable");
    await expect(page.locator("main")).not.toContainText("{");
    await expect(page.getByTestId("api-health")).toHaveText("API unreachable");
    await page.screenshot({ path: `${process.env.POLO_UI_ARTIFACTS ?? "/tmp/polo-ui-e2e"}/screenshots/api-stopped-light.png`, fullPage: true });
  } finally {
    await page.close();
    await ui.stop();
    await worker.stop();
  }
});
