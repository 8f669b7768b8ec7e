/** Delta: waterfall totals equal the API's, drill-down node → resources → lifecycle events, deep links. */
import { addDays, api, dataEnd, dollars, expect, settled, test, type Page } from "./fixtures";

/** The lifecycle window the page asks for by default: [A start, B end) = the last 14 days with cost data. */
const eventsWindow = async (page: Page) => {
  const end = await dataEnd(page);
  return `start=${addDays(end, -14)}&end=${end}`;
};

/** The decomposition's components: usage's, always shown; the charge categories', shown when they changed. */
const USAGE_COMPONENTS = ["created", "removed", "usage_effect", "rate_effect", "transferred_in", "transferred_out"] as const;
const CATEGORY_COMPONENTS = ["commitment", "credit", "adjustment", "tax", "purchase"] as const;
type Component = (typeof USAGE_COMPONENTS)[number] | (typeof CATEGORY_COMPONENTS)[number];
type Node = { node_id: string; node_type: string; total_a: string; total_b: string; delta: string } & Record<Component, string>;

function sum(values: string[]): string {
  let total = 0n;
  for (const v of values) {
    const [w, f = ""] = v.replace("-", "").split(".");
    const micros = BigInt(w) * 1_000_000n + BigInt((f + "000000").slice(0, 6));
    total += v.startsWith("-") ? -micros : micros;
  }
  const abs = total < 0n ? -total : total;
  return `${total < 0n ? "-" : ""}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, "0")}`;
}

/** A change as the page shows it: "+$1.00", "−$1.00", "$0.00". */
function signed(value: string): string {
  const shown = dollars(value);
  return shown.startsWith("−") || shown === "$0.00" ? shown : `+${shown}`;
}

/** The summary beside the waterfall shows the API's totals, usage's components and each category that changed. */
async function expectSummary(page: Page, nodes: Node[]) {
  await expect(page.getByTestId("total-a")).toHaveText(dollars(sum(nodes.map((n) => n.total_a))));
  await expect(page.getByTestId("total-b")).toHaveText(dollars(sum(nodes.map((n) => n.total_b))));
  await expect(page.getByTestId("total-delta")).toHaveText(signed(sum(nodes.map((n) => n.delta))));
  for (const key of USAGE_COMPONENTS) await expect(page.getByTestId(`component-${key}`)).toHaveText(signed(sum(nodes.map((n) => n[key]))));
  for (const key of CATEGORY_COMPONENTS) {
    const total = sum(nodes.map((n) => n[key]));
    if (total === "0.000000") await expect(page.getByTestId(`component-${key}`)).toHaveCount(0);
    else await expect(page.getByTestId(`component-${key}`)).toHaveText(signed(total));
  }
}

test("the root's totals A and B, the delta and its components are the sums of the API's child nodes", async ({ page }) => {
  const nodes = (await api<Node>(page, "delta/nodes")).data;
  // The components add up to the delta, in every row.
  for (const node of nodes) expect(sum([...USAGE_COMPONENTS, ...CATEGORY_COMPONENTS].map((key) => node[key])), node.node_id).toBe(sum([node.delta]));
  await page.goto("/delta");
  await settled(page);
  await expectSummary(page, nodes);
  await expect(page.getByTestId("delta-nodes").locator("tbody tr")).toHaveCount(nodes.length);
  await expect(page.getByTestId("waterfall")).toBeVisible();
});

test("the cost basis: Billed shows the API's billed decomposition, without commitment, and is kept in the URL", async ({ page }) => {
  const billed = (await api<Node>(page, "delta/nodes?basis=billed")).data;
  await page.goto("/delta");
  await settled(page);
  const basis = page.getByRole("group", { name: "Cost basis" });
  await expect(basis.getByRole("button", { name: "Effective" })).toHaveAttribute("aria-pressed", "true");
  // The demo's expiring Savings Plan is a change of effective cost only.
  await expect(page.getByTestId("component-commitment")).toBeVisible();
  await basis.getByRole("button", { name: "Billed" }).click();
  await expect(page).toHaveURL(/basis=billed/);
  await settled(page);
  await expectSummary(page, billed);
  await expect(page.getByTestId("component-commitment")).toHaveCount(0);
  await page.reload();
  await settled(page);
  await expect(basis.getByRole("button", { name: "Billed" })).toHaveAttribute("aria-pressed", "true");
  await basis.getByRole("button", { name: "Effective" }).click();
  await expect(page).not.toHaveURL(/basis=/);
});

test("the charge panel shows the demo's expiring Savings Plan, its credit and its tax, as the API answers them", async ({ page }) => {
  type Charge = { category: string; delta: string; billed_delta: string };
  const charges = (await api<Charge>(page, "delta/charges")).data;
  await page.goto("/delta");
  await settled(page);
  const panel = page.getByTestId("charges");
  for (const [category, label] of [
    ["commitment", "Commitments"],
    ["credit", "Credits"],
    ["tax", "Tax"],
  ] as const) {
    const charge = charges.find((c) => c.category === category)!;
    const row = panel.locator(`tr[data-category="${category}"]`);
    await expect(row.locator("td").first()).toContainText(label);
    await expect(row.locator("td").nth(3)).toHaveText(signed(charge.delta));
    await expect(row.locator("td").nth(4)).toHaveText(signed(charge.billed_delta));
  }
  // The decomposition above has the same change of commitment discounts, as its own component.
  const commitment = charges.find((c) => c.category === "commitment")!;
  await expect(page.getByTestId("component-commitment")).toHaveText(signed(commitment.delta));
  // No refunds or purchases in the demo: no empty rows for them.
  await expect(panel.locator('tr[data-category="adjustment"], tr[data-category="purchase"]')).toHaveCount(0);
});

test("drill-down: customer → cluster → role → resource → its lifecycle events", async ({ page }) => {
  await page.goto("/delta");
  await settled(page);
  const path: string[] = [];
  // Follow the biggest mover down the logical hierarchy until the children are resources.
  for (let level = 0; level < 3; level += 1) {
    const first = page.getByTestId("delta-nodes").locator("tbody tr").first();
    const nodeId = (await first.getAttribute("data-row-id"))!;
    path.push(nodeId);
    await first.getByTestId("node-link").click();
    await expect(page).toHaveURL(/path=/);
    await settled(page);
    await expect(page.getByTestId("breadcrumbs").locator('[aria-current="location"]')).toHaveAttribute("title", nodeId);
  }
  expect(path[0]).toMatch(/^customer:/);
  expect(path[1]).toMatch(/^cluster:/);
  expect(path[2]).toMatch(/^role:/);
  // A role's children are its resources: the next click opens the lifecycle events.
  const resourceRow = page.getByTestId("delta-nodes").locator("tbody tr").first();
  const resourceId = (await resourceRow.getAttribute("data-row-id"))!;
  await resourceRow.getByTestId("node-link").click();
  await expect(page).toHaveURL(new RegExp(`resource=${encodeURIComponent(resourceId)}`));
  const panel = page.getByTestId("events-panel");
  await expect(panel).toContainText(resourceId);
  await expect(panel.locator(".animate-pulse")).toHaveCount(0);
  const events = (await api(page, `delta/events?resource_id=${encodeURIComponent(resourceId)}&${await eventsWindow(page)}`)).data;
  if (events.length) await expect(panel.getByTestId("events").locator("li")).toHaveCount(events.length);
  else await expect(panel.getByTestId("empty-state")).toBeVisible();
  await expect(page.getByTestId("error-state")).toHaveCount(0);
});

test("resources tab lists the API's first page under the node; a created resource shows who created it", async ({ page }) => {
  const root = (await api<Node>(page, "delta/nodes")).data[0].node_id;
  // The view's default page: 100 rows.
  const resources = (await api<{ resource_id: string; component: string }>(page, `delta/resources?node_id=${encodeURIComponent(root)}&limit=100`)).data;
  await page.goto(`/delta?path=${encodeURIComponent(JSON.stringify([root]))}`);
  await settled(page);
  await page.getByRole("group", { name: "Table view" }).getByRole("button", { name: "Resources" }).click();
  await expect(page).toHaveURL(/view=resources/);
  await settled(page);
  await expect(page.getByTestId("delta-resources").locator("tbody tr")).toHaveCount(resources.length);
  const created = resources.find((r) => r.component === "created");
  test.skip(!created, "no created resource under the top node in this dataset");
  // A row is a resource and a component: its usage, or one of its other charge categories.
  await page.getByTestId("delta-resources").locator(`tr[data-row-id="${created!.resource_id}|created"]`).getByTestId("resource-link").click();
  const events = (await api<{ action: string; actor_arn: string }>(page, `delta/events?resource_id=${encodeURIComponent(created!.resource_id)}&${await eventsWindow(page)}`)).data;
  const panel = page.getByTestId("events-panel");
  await expect(panel.locator(".animate-pulse")).toHaveCount(0);
  if (events.length === 0) {
    await expect(panel.getByTestId("empty-state")).toBeVisible();
  } else {
    await expect(panel.getByTestId("events").locator("li")).toHaveCount(events.length);
    await expect(panel).toContainText(events[0].actor_arn);
  }
});

test("resources view pages through the server: the second page holds the API's next rows, with the total", async ({ page, shot }) => {
  type Row = { resource_id: string; component: string };
  const rowId = (r: Row) => `${r.resource_id}|${r.component}`;
  const first = await api<Row>(page, "delta/resources?limit=50");
  const second = await api<Row>(page, "delta/resources?limit=50&offset=50");
  const total = first.page!.total!;
  expect(total, "the demo has more than one page of changed resources at the root").toBeGreaterThan(50);
  const table = page.getByTestId("delta-resources");
  const ids = () => table.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-row-id")!));
  await page.goto("/delta?view=resources");
  await settled(page);
  await expect(table.locator("tbody tr")).toHaveCount(Math.min(100, total));
  await page.getByRole("combobox", { name: "Rows per page" }).selectOption("50");
  await expect(page).toHaveURL(/limit=50/);
  await expect(page.getByTestId("page-status")).toHaveText(`rows 1–50 of ${total.toLocaleString("en-US")} changes`);
  await expect(page.getByRole("button", { name: "Previous page" })).toBeDisabled();
  const firstIds = await ids();
  expect([...firstIds].sort()).toEqual(first.data.map(rowId).sort());

  const responded = page.waitForResponse((r) => r.url().includes("/api/delta/resources") && r.url().includes("offset=50"));
  await page.getByRole("button", { name: "Next page" }).click();
  await responded;
  await expect(page).toHaveURL(/offset=50/);
  await expect(page.getByTestId("page-status")).toHaveText(`rows 51–${50 + second.data.length} of ${total.toLocaleString("en-US")} changes`);
  const secondIds = await ids();
  expect([...secondIds].sort()).toEqual(second.data.map(rowId).sort());
  expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
  await shot("delta-resources-page-2");

  // Sorting a column orders the page shown, not the pages.
  await table.getByRole("button", { name: "Resource" }).click();
  await expect(table.locator("th", { has: page.getByRole("button", { name: "Resource" }) })).toHaveAttribute("aria-sort", /ascending|descending/);
  expect((await ids()).sort()).toEqual([...secondIds].sort());
  await expect(page).toHaveURL(/offset=50/);

  await page.getByRole("button", { name: "Previous page" }).click();
  await expect(page).not.toHaveURL(/offset=/);
  await expect(page.getByTestId("page-status")).toHaveText(`rows 1–50 of ${total.toLocaleString("en-US")} changes`);

  // Another hierarchy (or node, or window) starts again at the first page; the page size stays.
  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page).toHaveURL(/offset=50/);
  await page.getByRole("combobox", { name: "Hierarchy" }).selectOption("physical");
  await expect(page).toHaveURL(/hierarchy=physical/);
  await expect(page).not.toHaveURL(/offset=/);
});

test("breadcrumbs go back up the path", async ({ page }) => {
  await page.goto("/delta");
  await settled(page);
  await page.getByTestId("delta-nodes").locator("tbody tr").first().getByTestId("node-link").click();
  await settled(page);
  await page.getByTestId("delta-nodes").locator("tbody tr").first().getByTestId("node-link").click();
  await settled(page);
  await page.getByTestId("breadcrumbs").getByRole("link", { name: "All" }).click();
  await expect(page).not.toHaveURL(/path=/);
  await settled(page);
  await expect(page.getByTestId("breadcrumbs").locator('[aria-current="location"]')).toHaveText("All");
});

test("reloading a deep link restores the same view (windows, path, tab, open resource)", async ({ page }) => {
  const root = (await api<Node>(page, "delta/nodes")).data[0].node_id;
  const resources = (await api<{ resource_id: string }>(page, `delta/resources?node_id=${encodeURIComponent(root)}`)).data;
  await page.goto("/delta");
  await settled(page);
  await page.getByRole("button", { name: "Month over month" }).click();
  await settled(page);
  await page.getByTestId("delta-nodes").locator(`tr[data-row-id="${root}"]`).getByTestId("node-link").click();
  await settled(page);
  await page.getByRole("group", { name: "Table view" }).getByRole("button", { name: "Resources" }).click();
  await settled(page);
  const rid = (await page.getByTestId("delta-resources").locator("tbody tr").first().getByTestId("resource-link").getAttribute("title"))!;
  await page.getByTestId("delta-resources").locator("tbody tr").first().getByTestId("resource-link").click();
  await expect(page.getByTestId("events-panel")).toBeVisible();
  const url = page.url();
  const before = await page.getByTestId("delta-summary").innerText();
  await page.reload();
  await settled(page);
  expect(page.url()).toBe(url);
  await expect(page.getByRole("button", { name: "Month over month" })).toHaveAttribute("aria-pressed", "true");
  expect(await page.getByTestId("delta-summary").innerText()).toBe(before);
  await expect(page.getByTestId("events-panel")).toContainText(rid);
  await expect(page.getByRole("group", { name: "Table view" }).getByRole("button", { name: "Resources" })).toHaveAttribute("aria-pressed", "true");
  expect(resources.length).toBeGreaterThan(0);
});

test("a reversed base window: the API's 400 message is shown", async ({ page }) => {
  await page.goto("/delta?base_start=2026-01-08&base_end=2026-01-01&compare_start=2026-01-08&compare_end=2026-01-15");
  const error = page.getByTestId("error-state").first();
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute("data-kind", "bad_request");
  await expect(error).toContainText("'base_start' (2026-01-08) must be before 'base_end'");
});

test("the physical hierarchy starts at accounts", async ({ page }) => {
  await page.goto("/delta");
  await settled(page);
  await page.getByRole("combobox", { name: "Hierarchy" }).selectOption("physical");
  await expect(page).toHaveURL(/hierarchy=physical/);
  await settled(page);
  const ids = await page.getByTestId("delta-nodes").locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-row-id")));
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) expect(id).toMatch(/^account:/);
});

test("keyboard: a node can be drilled into with Tab and Enter", async ({ page }) => {
  await page.goto("/delta");
  await settled(page);
  const link = page.getByTestId("delta-nodes").getByTestId("node-link").first();
  const target = (await page.getByTestId("delta-nodes").locator("tbody tr").first().getAttribute("data-row-id"))!;
  for (let i = 0; i < 60; i += 1) {
    await page.keyboard.press("Tab");
    if (await link.evaluate((el) => el === document.activeElement)) break;
  }
  await expect(link).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/path=/);
  await expect(page.getByTestId("breadcrumbs").locator('[aria-current="location"]')).toHaveAttribute("title", target);
});

test("the presets end with the last day with cost data, not with the browser's today", async ({ page }) => {
  const { last_cost_day } = (await (await page.request.get("/api/health")).json()) as { last_cost_day: string };
  const end = addDays(last_cost_day, 1);
  await page.clock.install({ time: new Date(`${addDays(end, 10)}T12:00:00Z`) });
  await page.goto("/delta");
  await settled(page);
  // Week over week by default: B = the last 7 days with cost, A = the 7 before.
  await expect(page.getByRole("button", { name: "Week over week" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel("B (compare) to (last day included)")).toHaveValue(last_cost_day);
  await expect(page.getByLabel("A (base) from")).toHaveValue(addDays(end, -14));
  await page.getByRole("button", { name: "Month to date" }).click();
  await expect(page).toHaveURL(new RegExp(`compare_end=${end}`));
  await expect(page.getByRole("button", { name: "Month to date" })).toHaveAttribute("aria-pressed", "true");
});
