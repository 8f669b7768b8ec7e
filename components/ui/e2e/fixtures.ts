/** Shared fixtures: the stack's URL as baseURL, the API as the UI reaches it, screenshots, axe. */
import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const ARTIFACTS = process.env.POLO_UI_ARTIFACTS ?? "/tmp/polo-ui-e2e";
const SCREENSHOTS = join(ARTIFACTS, "screenshots");

/** The API through the UI's own origin (the proxy), exactly what the browser gets. */
export async function api<T = Record<string, string>>(page: Page, path: string): Promise<{ data: T[]; page?: { total: number | null } }> {
  const response = await page.request.get(path.startsWith("/") ? path : `/api/${path}`);
  expect(response.status(), `${path} answered ${response.status()}`).toBe(200);
  return response.json();
}

/** Waits until no skeleton is left on the page. */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState("domcontentloaded");
  await expect(page.locator("main h1")).toBeVisible();
  await expect(page.locator(".animate-pulse")).toHaveCount(0);
}

export const test = base.extend<{ shot: (name: string) => Promise<string>; axe: () => Promise<void> }>({
  baseURL: async ({}, use) => {
    const url = process.env.POLO_E2E_UI_URL;
    if (!url) throw new Error("POLO_E2E_UI_URL is not set: global-setup did not run");
    await use(url);
  },
  shot: async ({ page }, use, testInfo) => {
    await use(async (name: string) => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, `${name}-${testInfo.project.name}.png`);
      await page.screenshot({ path, fullPage: true });
      await testInfo.attach(name, { path, contentType: "image/png" });
      return path;
    });
  },
  axe: async ({ page }, use) => {
    await use(async () => {
      const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
      const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      const summary = bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ${v.nodes[0]?.target.join(" ")})`);
      expect(summary, "axe: serious or critical violations").toEqual([]);
    });
  },
});

export { expect };
export type { Page };

/** "$22,329.57" for "22329.571702": the UI's rounding, recomputed independently (half up, to cents). */
export function dollars(decimal: string): string {
  const negative = decimal.startsWith("-");
  const [whole, fraction = ""] = decimal.replace(/^-/, "").split(".");
  let cents = BigInt(whole) * 100n + BigInt((fraction + "00").slice(0, 2));
  if ((fraction[2] ?? "0") >= "5") cents += 1n;
  const units = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const rest = (cents % 100n).toString().padStart(2, "0");
  return `${negative && cents !== 0n ? "−" : ""}$${units}.${rest}`;
}

/** The last day with cost data, as the API's health check reports it. */
export async function lastCostDay(page: Page): Promise<string> {
  const health = (await (await page.request.get("/api/health")).json()) as { last_cost_day: string };
  return health.last_cost_day;
}

/** The day after the last one with cost data: where the pages' default windows end. */
export async function dataEnd(page: Page): Promise<string> {
  return addDays(await lastCostDay(page), 1);
}

export const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
