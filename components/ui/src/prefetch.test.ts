/**
 * index.html asks for the dashboard's summary before the app's code runs; that only helps when it
 * asks for exactly the URL the dashboard then requests (else the app fetches again).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import html from "../index.html?raw";
import { queryString, takePrefetched } from "./lib/api";
import { previousWindow } from "./lib/dates";
import { dashboardQuery } from "./lib/queries";
import { windowFrom } from "./pages/Dashboard";
import { validateWindowSearch } from "./search";

const script = /<script id="prefetch">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";

/** Runs index.html's prefetch script at `href`; returns the URLs it fetched. */
function runPrefetch(href: string): string[] {
  const fetched: string[] = [];
  const fetchStub = vi.fn((url: string) => {
    fetched.push(url);
    return Promise.resolve(new Response("{}"));
  });
  const location = new URL(href, "http://polo.test");
  new Function("location", "fetch", "window", script)(location, fetchStub, window);
  return fetched;
}

/** The URL the dashboard requests for the same address bar. */
function dashboardUrl(search: string): string {
  const w = windowFrom(validateWindowSearch(Object.fromEntries(new URLSearchParams(search))));
  const [, params] = dashboardQuery(w, previousWindow(w)).queryKey;
  return `/api/dashboard${queryString(params)}`;
}

afterEach(() => {
  delete window.__poloPrefetch;
});

describe("the dashboard's prefetch in index.html", () => {
  it.each(["", "?start=2026-11-29&end=2026-12-06", "?start=2026-10-01&end=2026-11-01", "?start=2026-03-10&end=2026-03-01", "?end=2026-11-01"])(
    "asks for the URL the dashboard requests (%s)",
    (search) => {
      expect(script).not.toBe("");
      expect(runPrefetch(`/${search}`)).toEqual([dashboardUrl(search)]);
      expect(takePrefetched(dashboardUrl(search))).toBeInstanceOf(Promise);
      // Taken once: a refetch goes to the network.
      expect(takePrefetched(dashboardUrl(search))).toBeUndefined();
    },
  );

  it("asks for nothing on other pages", () => {
    expect(runPrefetch("/delta?start=2026-11-29")).toEqual([]);
    expect(takePrefetched(dashboardUrl(""))).toBeUndefined();
  });
});
