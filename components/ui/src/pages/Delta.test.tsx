/**
 * The Delta page rendered at a URL, the API answered by a fake fetch: what the basis control
 * writes to the URL and asks of which endpoint, and a resource with several rows (its usage and
 * its other charge categories).
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryHistory, createRootRoute, createRoute, createRouter, RouterProvider } from "@tanstack/react-router";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeltaNode, DeltaParts, DeltaResource } from "../lib/api";
import { validateDeltaSearch } from "../search";
import { DeltaPage } from "./Delta";
import { ZERO_PARTS } from "../test-fixtures";

const NODE: DeltaNode = {
  ...ZERO_PARTS,
  node_id: "customer:acme",
  node_type: "customer",
  total_a: "80",
  total_b: "100",
  delta: "20",
  usage_effect: "0.4",
  commitment: "19.6",
  resource_count: "1",
  flagged_resources: "0",
};

const resource = (resourceId: string, component: DeltaResource["component"], parts: Partial<DeltaParts>): DeltaResource => ({
  ...ZERO_PARTS,
  resource_id: resourceId,
  resource_type: "ec2:instance",
  account_id: "123456789012",
  region: "eu-west-1",
  marqo_customer: "acme",
  marqo_cluster: "",
  marqo_role: "",
  component,
  flagged: 0,
  ...parts,
});

// One instance's usage and its expiring Savings Plan, and a tax line: three rows, two for i-1.
const RESOURCES = [
  resource("i-1", "continuing", { total_a: "60", total_b: "60.4", delta: "0.4", usage_effect: "0.4" }),
  resource("i-1", "commitment", { total_a: "-19.6", total_b: "0", delta: "19.6", commitment: "19.6" }),
  resource("unresourced:123456789012/global/Tax", "tax", { total_a: "1", total_b: "1", delta: "0", tax: "0" }),
];

const answer = (data: unknown[], page?: object) =>
  new Response(JSON.stringify({ data, params: {}, meta: { query: "", columns: [], rows: data.length, elapsed_ms: 1 }, page }));

let requests: URL[];

beforeEach(() => {
  requests = [];
  vi.stubGlobal("fetch", async (input: string) => {
    const url = new URL(input, "http://polo.test");
    requests.push(url);
    switch (url.pathname) {
      case "/api/health":
        return new Response(JSON.stringify({ status: "ok", clickhouse: { reachable: true, latency_ms: 1 }, last_cost_day: "2026-11-30" }));
      case "/api/delta/nodes":
        return answer([NODE]);
      case "/api/delta/resources":
        return answer(RESOURCES, { limit: 100, offset: 0, has_more: false, next_offset: null, total: RESOURCES.length });
      default:
        return answer([]);
    }
  });
  // The router scrolls on navigation and Recharts' ResponsiveContainer observes its size: jsdom
  // implements neither.
  vi.stubGlobal("scrollTo", () => {});
  vi.stubGlobal(
    "ResizeObserver",
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
});

afterEach(() => vi.unstubAllGlobals());

function renderDelta(url: string) {
  const rootRoute = createRootRoute();
  const deltaRoute = createRoute({ getParentRoute: () => rootRoute, path: "/delta", validateSearch: validateDeltaSearch, component: DeltaPage });
  const router = createRouter({ routeTree: rootRoute.addChildren([deltaRoute]), history: createMemoryHistory({ initialEntries: [url] }) });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

/** The `basis` each request to `path` carried (null: none). */
const basesAsked = (path: string) => requests.filter((url) => url.pathname === `/api/${path}`).map((url) => url.searchParams.get("basis"));

describe("the Delta page's cost basis", () => {
  it("is effective by default and not in the URL; Billed writes basis=billed and asks the decompositions for it", async () => {
    const router = renderDelta("/delta");
    const basis = await screen.findByRole("group", { name: "Cost basis" });
    expect(within(basis).getByRole("button", { name: "Effective" })).toHaveAttribute("aria-pressed", "true");
    await screen.findByTestId("delta-nodes");
    expect(basesAsked("delta/nodes")).toEqual([null]);

    await userEvent.click(within(basis).getByRole("button", { name: "Billed" }));
    await waitFor(() => expect(router.state.location.search).toMatchObject({ basis: "billed" }));
    await waitFor(() => expect(basesAsked("delta/nodes")).toEqual([null, "billed"]));
    expect(within(basis).getByRole("button", { name: "Billed" })).toHaveAttribute("aria-pressed", "true");

    // Back to the default: the URL drops the parameter again.
    await userEvent.click(within(basis).getByRole("button", { name: "Effective" }));
    await waitFor(() => expect(router.state.location.search).not.toHaveProperty("basis"));
    // delta/charges answers both bases: it is never asked for one.
    expect(basesAsked("delta/charges").length).toBeGreaterThan(0);
    expect(basesAsked("delta/charges").every((basis) => basis === null)).toBe(true);
  });

  it("is read from the URL and sent to delta/nodes and delta/resources", async () => {
    renderDelta("/delta?basis=billed&view=resources");
    await screen.findByTestId("delta-resources");
    expect(within(screen.getByRole("group", { name: "Cost basis" })).getByRole("button", { name: "Billed" })).toHaveAttribute("aria-pressed", "true");
    expect(basesAsked("delta/nodes")).toEqual(["billed"]);
    expect(basesAsked("delta/resources")).toEqual(["billed"]);
  });
});

describe("the Delta page's decomposition", () => {
  it("shows the commitment change as its own component beside usage's", async () => {
    renderDelta("/delta");
    expect(await screen.findByTestId("component-commitment")).toHaveTextContent("+$19.60");
    expect(screen.getByTestId("component-rate_effect")).toHaveTextContent("$0.00");
    // Categories that did not change take no room.
    expect(screen.queryByTestId("component-tax")).toBeNull();
  });

  it("lists a resource's usage and charge-category rows apart, each labelled, both selected with the resource", async () => {
    const errors = vi.spyOn(console, "error");
    renderDelta("/delta?view=resources&resource=i-1");
    const table = await screen.findByTestId("delta-resources");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => row.getAttribute("data-row-id"))).toEqual(["i-1|commitment", "i-1|continuing", "unresourced:123456789012/global/Tax|tax"]);
    expect(rows.map((row) => within(row).getAllByRole("cell")[2]?.textContent)).toEqual(["Commitments", "Continuing", "Tax"]);
    expect(rows.map((row) => row.getAttribute("aria-selected"))).toEqual(["true", "true", "false"]);
    // Columns for the categories some row changed in; the tax row's did not change.
    const headers = within(table).getAllByRole("columnheader").map((th) => th.textContent);
    expect(headers).toContain("Commitments");
    expect(headers).not.toContain("Tax");
    expect(errors.mock.calls.flat().join(" ")).not.toMatch(/same key/);
    errors.mockRestore();
  });
});
