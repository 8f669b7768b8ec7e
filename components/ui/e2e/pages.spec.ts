/**
 * The page tour, in both themes (projects `light` and `dark`): every page and the deep views load
 * on the seeded data with no error state, pass an axe scan with no serious or critical violation,
 * and leave a full-page screenshot in $POLO_UI_ARTIFACTS/screenshots (default /tmp/polo-ui-e2e).
 */
import { expect, settled, test } from "./fixtures";

const TOUR: { name: string; url: string; ready: string }[] = [
  { name: "dashboard", url: "/", ready: '[data-testid="top-customers"]' },
  { name: "delta", url: "/delta", ready: '[data-testid="delta-nodes"]' },
  { name: "delta-drilldown-events", url: "", ready: '[data-testid="events"]' },
  { name: "delta-month-over-month", url: "", ready: '[data-testid="delta-nodes"]' },
  { name: "delta-resources-paged", url: "/delta?view=resources&limit=50&offset=50", ready: '[data-testid="pager"]' },
  { name: "costs-by-customer", url: "/costs", ready: '[data-testid="costs-table"]' },
  { name: "costs-by-account-role-grouped", url: "/costs?tab=account-role&group=account", ready: '[data-testid="costs-table"]' },
  { name: "resources", url: "/resources", ready: '[data-testid="resources-table"]' },
  { name: "hierarchy", url: "/hierarchy", ready: '[data-testid="trend-chart"]' },
  { name: "hierarchy-physical-expanded", url: "", ready: '[role="group"]' },
];

async function deepDeltaUrl(request: import("@playwright/test").APIRequestContext): Promise<string> {
  // A resource of the top customer with a lifecycle event in the windows: the drill-down's end.
  const nodes = (await (await request.get("/api/delta/nodes")).json()).data as { node_id: string }[];
  const path = [nodes[0].node_id];
  const resources = (await (await request.get(`/api/delta/resources?node_id=${encodeURIComponent(path[0])}`)).json()).data as { resource_id: string; component: string }[];
  const resource = resources.find((r) => r.component === "created") ?? resources[0];
  return `/delta?path=${encodeURIComponent(JSON.stringify(path))}&view=resources&resource=${encodeURIComponent(resource.resource_id)}`;
}

async function monthOverMonthUrl(request: import("@playwright/test").APIRequestContext): Promise<string> {
  // The last two whole calendar months before the one holding the last cost day, as the preset.
  const { last_cost_day } = (await (await request.get("/api/health")).json()) as { last_cost_day: string };
  const month = (back: number) => {
    const day = new Date(`${last_cost_day.slice(0, 7)}-01T00:00:00Z`);
    day.setUTCMonth(day.getUTCMonth() - back);
    return day.toISOString().slice(0, 10);
  };
  return `/delta?base_start=${month(2)}&base_end=${month(1)}&compare_start=${month(1)}&compare_end=${month(0)}`;
}

async function physicalExpandedUrl(request: import("@playwright/test").APIRequestContext): Promise<string> {
  const accounts = (await (await request.get("/api/hierarchy/tree?hierarchy=physical")).json()).data as { node_id: string }[];
  const open = [accounts[0].node_id];
  return `/hierarchy?hierarchy=physical&open=${encodeURIComponent(JSON.stringify(open))}&node=${encodeURIComponent(open[0])}`;
}

for (const stop of TOUR) {
  test(`page: ${stop.name} renders, passes axe, screenshot`, async ({ page, shot, axe }) => {
    let url = stop.url;
    if (stop.name === "delta-drilldown-events") url = await deepDeltaUrl(page.request);
    if (stop.name === "delta-month-over-month") url = await monthOverMonthUrl(page.request);
    if (stop.name === "hierarchy-physical-expanded") url = await physicalExpandedUrl(page.request);
    await page.goto(url);
    await settled(page);
    await expect(page.locator(stop.ready).first()).toBeVisible();
    await expect(page.getByTestId("error-state")).toHaveCount(0);
    // The URL's windows are the preset's: the page says so by selecting it.
    if (stop.name === "delta-month-over-month") await expect(page.getByRole("button", { name: "Month over month" })).toHaveAttribute("aria-pressed", "true");
    await expect(page.locator("html")).toHaveClass(test.info().project.name === "dark" ? /dark/ : /^(?!.*dark)/);
    await axe();
    await shot(stop.name);
  });
}
