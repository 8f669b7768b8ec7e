/**
 * index.html asks for health and the dashboard's summary before the app's code runs; that only
 * helps when it asks for exactly the URLs the app then requests (else the app fetches again).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import html from "../index.html?raw";
import { queryString, takePrefetched } from "./lib/api";
import { dataEndOf, previousWindow } from "./lib/dates";
import { dashboardQuery } from "./lib/queries";
import { windowFrom } from "./pages/Dashboard";
import { validateWindowSearch } from "./search";

const script = /<script id="prefetch">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";

/**
 * Runs index.html's prefetch script at `href`, with GET /api/health answering `health`
 * (`last_cost_day`), or failing; returns the URLs it fetched once its chain has settled.
 */
async function runPrefetch(href: string, health: { status: number; last_cost_day?: string | null } = { status: 200, last_cost_day: null }): Promise<string[]> {
  const fetched: string[] = [];
  const fetchStub = vi.fn((url: string) => {
    fetched.push(url);
    if (url === "/api/health") return Promise.resolve(new Response(JSON.stringify({ status: "ok", last_cost_day: health.last_cost_day }), { status: health.status }));
    return Promise.resolve(new Response("{}"));
  });
  const location = new URL(href, "http://polo.test");
  new Function("location", "fetch", "window", script)(location, fetchStub, window);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return fetched;
}

/** The URL the dashboard requests for the same address bar, once health said `lastCostDay`. */
function dashboardUrl(search: string, lastCostDay: string | null): string {
  const w = windowFrom(validateWindowSearch(Object.fromEntries(new URLSearchParams(search))), dataEndOf(lastCostDay));
  const [, params] = dashboardQuery(w, previousWindow(w)).queryKey;
  return `/api/dashboard${queryString(params)}`;
}

afterEach(() => {
  delete window.__poloPrefetch;
});

describe("the prefetch in index.html", () => {
  it.each([
    ["", "2026-11-20"],
    ["", null],
    ["?start=2026-11-29&end=2026-12-06", "2026-11-20"],
    ["?start=2026-10-01&end=2026-11-01", null],
    ["?start=2026-03-10&end=2026-03-01", "2026-03-31"],
    ["?end=2026-11-01", "2026-11-20"],
    ["?start=2026-11-01", "2026-11-20"],
  ])("asks for health, then the URL the dashboard requests (%s, last cost day %s)", async (search, lastCostDay) => {
    expect(script).not.toBe("");
    const url = dashboardUrl(search, lastCostDay);
    expect(await runPrefetch(`/${search}`, { status: 200, last_cost_day: lastCostDay })).toEqual(["/api/health", url]);
    expect(takePrefetched("/api/health")).toBeInstanceOf(Promise);
    expect(takePrefetched(url)).toBeInstanceOf(Promise);
    // Taken once: a refetch goes to the network.
    expect(takePrefetched(url)).toBeUndefined();
  });

  it("ends the default window today when health fails, as the app does", async () => {
    expect(await runPrefetch("/", { status: 503 })).toEqual(["/api/health", dashboardUrl("", null)]);
  });

  it("asks only for health on other pages", async () => {
    expect(await runPrefetch("/delta?start=2026-11-29")).toEqual(["/api/health"]);
    expect(takePrefetched(dashboardUrl("", null))).toBeUndefined();
  });
});
