/** Hierarchy: the API's tree, expand and collapse in the URL, a node's trend. */
import { addDays, api, dataEnd, dollars, expect, settled, test, type Page } from "./fixtures";

/** The page's default window: the last 30 days with cost data. */
const w = async (page: Page) => {
  const end = await dataEnd(page);
  return `start=${addDays(end, -30)}&end=${end}`;
};

test("the logical root lists the API's customers with their cost", async ({ page }) => {
  const rows = (await api(page, `hierarchy/tree?${await w(page)}`)).data;
  await page.goto("/hierarchy");
  await settled(page);
  const items = page.locator('[role="tree"] > [role="treeitem"]');
  await expect(items).toHaveCount(rows.length);
  await expect(items.first()).toHaveAttribute("data-node-id", rows[0].node_id);
  await expect(items.first()).toContainText(dollars(rows[0].effective_cost));
});

test("expanding a node loads its children and puts it in the URL; collapsing removes them", async ({ page }) => {
  const root = (await api(page, `hierarchy/tree?${await w(page)}`)).data[0].node_id;
  const children = (await api(page, `hierarchy/tree?${await w(page)}&node_id=${encodeURIComponent(root)}`)).data;
  await page.goto("/hierarchy");
  await settled(page);
  const item = page.locator(`[role="treeitem"][data-node-id="${root}"]`);
  await item.getByTestId("tree-toggle").first().click();
  await expect(page).toHaveURL(/open=/);
  await expect(item).toHaveAttribute("aria-expanded", "true");
  await expect(item.locator('[role="group"] > [role="treeitem"]')).toHaveCount(children.length);
  await item.getByTestId("tree-toggle").first().click();
  await expect(item).toHaveAttribute("aria-expanded", "false");
  await expect(item.locator('[role="group"]')).toHaveCount(0);
});

test("selecting a node shows its trend, whose total is the API's", async ({ page }) => {
  const node = (await api(page, `hierarchy/tree?${await w(page)}`)).data[1].node_id;
  const trend = (await api(page, `hierarchy/trend?${await w(page)}&node_id=${encodeURIComponent(node)}`)).data;
  let micros = 0n;
  for (const row of trend) {
    const [a, b = ""] = row.effective_cost.split(".");
    micros += BigInt(a) * 1_000_000n + BigInt((b + "000000").slice(0, 6));
  }
  const total = `${micros / 1_000_000n}.${(micros % 1_000_000n).toString().padStart(6, "0")}`;
  await page.goto("/hierarchy");
  await settled(page);
  await page.locator(`[role="treeitem"][data-node-id="${node}"]`).getByTestId("tree-select").first().click();
  await expect(page).toHaveURL(/node=/);
  await expect(page.getByTestId("trend-panel")).toContainText(node);
  await expect(page.getByTestId("trend-panel")).toContainText(dollars(total));
});

test("a deep link (physical, expanded, selected) survives a reload", async ({ page }) => {
  const account = (await api(page, `hierarchy/tree?${await w(page)}&hierarchy=physical`)).data[0].node_id;
  await page.goto(`/hierarchy?hierarchy=physical&open=${encodeURIComponent(JSON.stringify([account]))}&node=${encodeURIComponent(account)}`);
  await settled(page);
  const item = page.locator(`[role="treeitem"][data-node-id="${account}"]`);
  await expect(item).toHaveAttribute("aria-expanded", "true");
  await expect(item).toHaveAttribute("aria-selected", "true");
  const url = page.url();
  await page.reload();
  await settled(page);
  expect(page.url()).toBe(url);
  await expect(item).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByRole("combobox", { name: "Hierarchy" })).toHaveValue("physical");
});

test("an unknown node shows the API's 404 message in the trend panel", async ({ page }) => {
  await page.goto("/hierarchy?node=customer%3Ano-such-customer");
  const error = page.getByTestId("trend-panel").getByTestId("error-state");
  await expect(error).toHaveAttribute("data-kind", "not_found");
  await expect(error).toContainText("does not exist");
});
