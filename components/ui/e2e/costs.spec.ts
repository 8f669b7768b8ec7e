/** Costs: the API's rows, sorting in the URL, grouping, and a CSV export of exactly what is shown. */
import { readFileSync } from "node:fs";
import { addDays, api, dataEnd, dollars, expect, settled, test, type Page } from "./fixtures";

/** The page's default window: the last 30 days with cost data. */
const window = async (page: Page) => {
  const end = await dataEnd(page);
  return { start: addDays(end, -30), end };
};

test("by customer: every API row, largest effective cost first, with its direct and shared parts", async ({ page }) => {
  const { start, end } = await window(page);
  const rows = (await api(page, `costs/by-customer?start=${start}&end=${end}`)).data;
  await page.goto("/costs");
  await settled(page);
  const body = page.getByTestId("costs-table").locator("tbody tr");
  await expect(body).toHaveCount(rows.length);
  const sorted = [...rows].sort((a, b) => Number(b.effective_cost) - Number(a.effective_cost));
  for (const [index, row] of sorted.entries()) {
    await expect(body.nth(index)).toHaveAttribute("data-row-id", row.customer);
    const cells = body.nth(index).locator("td");
    await expect(cells.nth(1)).toHaveText(dollars(row.effective_cost));
    await expect(cells.nth(2)).toHaveText(dollars(row.direct_effective_cost));
    await expect(cells.nth(3)).toHaveText(dollars(row.shared_effective_cost));
  }
  const headers = page.getByTestId("costs-table").locator("thead th");
  await expect(headers.nth(2)).toContainText("Direct");
  await expect(headers.nth(3)).toContainText("Shared");
});

test("clicking a header sorts, and the sort lives in the URL", async ({ page }) => {
  await page.goto("/costs");
  await settled(page);
  await page.getByTestId("costs-table").getByRole("button", { name: "Customer" }).click();
  await expect(page).toHaveURL(/sort=customer\.(asc|desc)/);
  const names = await page.getByTestId("costs-table").locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-row-id")!));
  const asc = [...names].sort();
  expect([asc, [...asc].reverse()]).toContainEqual(names);
  await page.reload();
  await settled(page);
  const after = await page.getByTestId("costs-table").locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-row-id")!));
  expect(after).toEqual(names);
});

test("CSV export holds exactly the rows and columns the table shows, with exact decimals", async ({ page }) => {
  const { start, end } = await window(page);
  const rows = (await api(page, `costs/by-customer?start=${start}&end=${end}`)).data;
  await page.goto("/costs?sort=customer.asc");
  await settled(page);
  const downloading = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`polo-costs-customer-${start}_${end}.csv`);
  const text = readFileSync((await download.path())!, "utf8");
  const lines = text.trim().split("\r\n");
  expect(lines[0]).toBe("customer,effective_cost,direct_effective_cost,shared_effective_cost,billed_cost,share_pct,accounts");
  const expected = [...rows]
    .sort((a, b) => (a.customer < b.customer ? -1 : 1))
    .map((r) => [r.customer, r.effective_cost, r.direct_effective_cost, r.shared_effective_cost, r.billed_cost, r.share_pct, r.accounts].join(","));
  expect(lines.slice(1)).toEqual(expected);
  const shown = await page.getByTestId("costs-table").locator("tbody tr").evaluateAll((trs) => trs.map((r) => r.getAttribute("data-row-id")));
  expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(shown);
});

/** A decimal string as exact micro-units, so subtotals compare exactly. */
const micros = (value: string): bigint => {
  const [whole = "0", fraction = ""] = value.replace("-", "").split(".");
  const units = BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, "0").slice(0, 6));
  return value.startsWith("-") ? -units : units;
};

test("by account and role for one customer equals the API with direct and shared parts; grouped by account with exact subtotals", async ({ page, shot }) => {
  const { start, end } = await window(page);
  // A customer the demo's split rule gives a shared part (components/attribution/demo_allocation.toml).
  const customers = (await api(page, `costs/by-customer?start=${start}&end=${end}`)).data;
  const customer = customers.find((r) => micros(r.shared_effective_cost) > 0n)!.customer;
  const rows = (await api(page, `costs/by-account-role?start=${start}&end=${end}&customer=${customer}`)).data;
  expect(rows.some((r) => micros(r.shared_effective_cost) > 0n)).toBe(true);
  await page.goto(`/costs?tab=account-role&customer=${customer}`);
  await settled(page);
  await expect(page.getByTestId("costs-table").locator("tbody tr")).toHaveCount(rows.length);
  const headers = page.getByTestId("costs-table").locator("thead th");
  await expect(headers.nth(3)).toContainText("Direct");
  await expect(headers.nth(4)).toContainText("Shared");
  for (const row of rows) {
    const cells = page.getByTestId("costs-table").locator(`tbody tr[data-row-id="${row.account_id}/${row.role}"] td`);
    await expect(cells.nth(2)).toHaveText(dollars(row.effective_cost));
    await expect(cells.nth(3)).toHaveText(dollars(row.direct_effective_cost));
    await expect(cells.nth(4)).toHaveText(dollars(row.shared_effective_cost));
  }
  await page.getByRole("combobox", { name: "Group by" }).selectOption("account");
  await expect(page).toHaveURL(/group=account/);
  const accounts = [...new Set(rows.map((r) => r.account_id))];
  await expect(page.getByTestId("costs-table").locator("tbody tr")).toHaveCount(rows.length + accounts.length);
  await shot("costs-account-role-grouped");
  const downloading = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const csv = readFileSync((await (await downloading).path())!, "utf8").trim().split("\r\n");
  expect(csv).toHaveLength(rows.length + accounts.length + 1);
  expect(csv[0]).toBe("account_id,role,effective_cost,direct_effective_cost,shared_effective_cost,billed_cost,customers");
  for (const account of accounts) {
    const subtotal = csv.find((line) => line.startsWith(`${account},,`));
    expect(subtotal, `a subtotal row for ${account}`).toBeTruthy();
    const [, , effective, direct, shared] = subtotal!.split(",");
    const own = rows.filter((r) => r.account_id === account);
    const sum = (column: "direct_effective_cost" | "shared_effective_cost") => own.reduce((total, r) => total + micros(r[column]), 0n);
    expect([micros(direct!), micros(shared!)]).toEqual([sum("direct_effective_cost"), sum("shared_effective_cost")]);
    expect(micros(direct!) + micros(shared!)).toBe(micros(effective!));
  }
});

test("clicking a customer opens its account and role breakdown", async ({ page }) => {
  await page.goto("/costs");
  await settled(page);
  const first = page.getByTestId("costs-table").locator("tbody tr").first();
  const customer = (await first.getAttribute("data-row-id"))!;
  await first.click();
  await expect(page).toHaveURL(new RegExp(`tab=account-role.*customer=${customer}|customer=${customer}.*tab=account-role`));
  await settled(page);
  await expect(page.getByRole("combobox", { name: "Customer" })).toHaveValue(customer);
});

test("a reversed window on the costs page shows the 400 message", async ({ page }) => {
  await page.goto("/costs?start=2026-06-10&end=2026-06-01");
  const error = page.getByTestId("error-state").first();
  await expect(error).toHaveAttribute("data-kind", "bad_request");
  await expect(error).toContainText("must be before");
});
