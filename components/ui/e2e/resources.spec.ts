/** Resources: server-side paging, sorting and filters through the URL, and the link to a cost trend. */
import { api, dollars, expect, lastCostDay, settled, test, type Page } from "./fixtures";

/** The page's default day: the last one with cost data. */
const asOf = (page: Page) => lastCostDay(page);

test("the first page equals the API's, with the total count", async ({ page }) => {
  const body = await api(page, `resources?as_of=${await asOf(page)}&limit=50`);
  await page.goto("/resources");
  await settled(page);
  const rows = page.getByTestId("resources-table").locator("tbody tr");
  await expect(rows).toHaveCount(body.data.length);
  await expect(rows.first()).toHaveAttribute("data-row-id", body.data[0].resource_id);
  await expect(rows.first().locator("td").last()).toHaveText(dollars(body.data[0].cost));
  await expect(page.getByTestId("page-status")).toHaveText(`rows 1–${body.data.length} of ${body.page!.total!.toLocaleString("en-US")} resources`);
});

test("next page asks the server for the next offset", async ({ page }) => {
  const second = await api(page, `resources?as_of=${await asOf(page)}&limit=50&offset=50`);
  await page.goto("/resources");
  await settled(page);
  const responded = page.waitForResponse((r) => r.url().includes("/api/resources") && r.url().includes("offset=50"));
  await page.getByRole("button", { name: "Next page" }).click();
  await responded;
  await expect(page).toHaveURL(/offset=50/);
  await expect(page.getByTestId("resources-table").locator("tbody tr").first()).toHaveAttribute("data-row-id", second.data[0].resource_id);
  await expect(page.getByRole("button", { name: "Previous page" })).toBeEnabled();
});

test("sorting by resource id is done by the server", async ({ page }) => {
  const body = await api(page, `resources?as_of=${await asOf(page)}&limit=50&sort=resource_id&direction=asc`);
  await page.goto("/resources");
  await settled(page);
  await page.getByRole("button", { name: "Resource" }).click();
  await expect(page).toHaveURL(/sort=resource_id/);
  await expect(page.getByTestId("resources-table").locator("tbody tr").first()).toHaveAttribute("data-row-id", body.data[0].resource_id);
});

test("a customer filter narrows the rows to that owner", async ({ page }) => {
  const customer = (await api(page, `resources?as_of=${await asOf(page)}&limit=1`)).data[0].marqo_customer || "acme";
  const body = await api(page, `resources?as_of=${await asOf(page)}&limit=50&customer=${customer}`);
  await page.goto("/resources");
  await settled(page);
  const input = page.getByRole("textbox", { name: "Customer" });
  await input.fill(customer);
  await input.press("Enter");
  await expect(page).toHaveURL(new RegExp(`customer=${customer}`));
  await settled(page);
  await expect(page.getByTestId("page-status")).toContainText(`of ${body.page!.total!.toLocaleString("en-US")}`);
  const owners = await page.getByTestId("resources-table").locator("tbody tr td:nth-child(6)").allInnerTexts();
  for (const owner of owners) expect(owner.trim()).toBe(customer);
});

test("search matches ids and an empty result says so", async ({ page }) => {
  await page.goto("/resources?search=no-such-resource-xyz");
  await settled(page);
  await expect(page.getByTestId("empty-state")).toContainText("No resources match");
  await page.getByRole("textbox", { name: "Search id, ARN or tag" }).fill("vol-");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/search=vol-/);
  await expect(page.getByTestId("resources-table").locator("tbody tr").first()).toHaveAttribute("data-row-id", /^vol-/);
  const ids = await page.getByTestId("resources-table").locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-row-id")!));
  expect(ids.length).toBeGreaterThan(0);
});

test("a resource links to its cost trend in the physical hierarchy", async ({ page }) => {
  await page.goto("/resources");
  await settled(page);
  const first = page.getByTestId("resources-table").locator("tbody tr").first();
  const id = (await first.getAttribute("data-row-id"))!;
  await first.getByTestId("trend-link").click();
  await expect(page).toHaveURL(/\/hierarchy\?.*hierarchy=physical/);
  await settled(page);
  await expect(page.getByTestId("trend-panel")).toContainText(id);
  await expect(page.getByTestId("trend-panel").getByTestId("trend-chart")).toBeVisible();
});
