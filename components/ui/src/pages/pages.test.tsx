import { renderHook } from "@testing-library/react";
import { getCoreRowModel, getExpandedRowModel, getGroupedRowModel, getSortedRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import type { AccountRoleCost, DeltaCharge, DeltaNode } from "../lib/api";
import { sumDecimals } from "../lib/money";
import { accountRoleColumns, tableCsv } from "./Costs";
import { formatAge } from "./Dashboard";
import { chargeRows, shownComponents, sumParts, waterfallSteps } from "./Delta";
import { resourcesParams } from "./Resources";
import { ZERO_PARTS } from "../test-fixtures";

const node = (id: string, parts: Partial<DeltaNode>): DeltaNode => ({
  node_id: id,
  node_type: "customer",
  ...ZERO_PARTS,
  resource_count: "1",
  flagged_resources: "0",
  ...parts,
});

describe("delta", () => {
  it("a node's totals are the exact sums of its children", () => {
    const parts = sumParts([
      node("customer:a", { total_a: "0.1", total_b: "0.3", delta: "0.2", created: "0.2" }),
      node("customer:b", { total_a: "0.2", total_b: "0.1", delta: "-0.1", usage_effect: "-0.1" }),
    ]);
    expect(parts).toMatchObject({ total_a: "0.3", total_b: "0.4", delta: "0.1", created: "0.2", usage_effect: "-0.1" });
    const steps = waterfallSteps(parts);
    expect(steps.map((s) => s.label)).toEqual(["Total A", "Created", "Removed", "Usage", "Rate", "Transferred in", "Transferred out", "Total B"]);
    expect(steps[0]).toMatchObject({ value: "0.3", total: true });
  });

  it("the waterfall has a step for each charge category that changed, after usage's, in the API's order", () => {
    const parts = sumParts([
      node("customer:a", { total_a: "10", total_b: "29.6", delta: "19.6", rate_effect: "-5", commitment: "19.6", tax: "0.5", credit: "4.5" }),
      // Its children's tax and credit changes cancel out: the node's did not change; its purchases
      // and adjustments did, by a micro-dollar each.
      node("customer:b", { total_a: "5", total_b: "5", delta: "0", rate_effect: "5", tax: "-0.5", credit: "-4.5", purchase: "0.000001", adjustment: "-0.000001" }),
    ]);
    const steps = waterfallSteps(parts);
    expect(steps.map((s) => s.label)).toEqual([
      "Total A", "Created", "Removed", "Usage", "Rate", "Transferred in", "Transferred out", "Commitments", "Adjustments", "Purchases", "Total B",
    ]);
    expect(steps.find((s) => s.label === "Commitments")?.value).toBe("19.6");
    // The steps take Total A to Total B exactly.
    expect(sumDecimals(steps.slice(1, -1).map((s) => s.value))).toBe(parts.delta);
  });

  it("a table shows a category's column when any of its rows changed in it", () => {
    const rows = [node("customer:a", { tax: "1" }), node("customer:b", { tax: "-1", credit: "0.000000" })];
    expect(shownComponents(rows)).toEqual(["created", "removed", "usage_effect", "rate_effect", "transferred_in", "transferred_out", "tax"]);
  });
});

describe("delta by charge category", () => {
  const charge = (category: DeltaCharge["category"], totals: Partial<DeltaCharge> = {}): DeltaCharge => ({
    category,
    total_a: "0.000000",
    total_b: "0.000000",
    delta: "0.000000",
    billed_total_a: "0.000000",
    billed_total_b: "0.000000",
    billed_delta: "0.000000",
    ...totals,
  });

  it("shows usage always and another category only when it has cost on either basis", () => {
    const rows = [
      charge("usage"),
      charge("commitment", { total_a: "-19.600000", delta: "19.600000" }),
      charge("credit"),
      charge("adjustment"),
      charge("tax", { total_b: "0.000001" }),
      charge("purchase", { billed_total_b: "30.000000", billed_delta: "30.000000" }),
    ];
    expect(chargeRows(rows).map((row) => row.category)).toEqual(["usage", "commitment", "tax", "purchase"]);
  });
});

describe("costs CSV", () => {
  it("exports the table's rows in their displayed order with raw decimals", () => {
    type Row = { customer: string; effective_cost: string };
    const columns: ColumnDef<Row>[] = [
      { accessorKey: "customer", meta: { csv: "customer" } },
      { accessorKey: "effective_cost", meta: { csv: "effective_cost" } },
    ];
    const data: Row[] = [
      { customer: "b, inc", effective_cost: "2.000001" },
      { customer: "a", effective_cost: "10.5" },
    ];
    const { result } = renderHook(() =>
      useReactTable({ data, columns, state: { sorting: [{ id: "customer", desc: false }] }, getCoreRowModel: getCoreRowModel(), getSortedRowModel: getSortedRowModel() }),
    );
    expect(tableCsv(result.current)).toBe('customer,effective_cost\r\na,10.5\r\n"b, inc",2.000001\r\n');
  });
});

describe("costs by account and role", () => {
  it("exports direct and shared beside effective cost, with exact subtotals per account", () => {
    const row = (account_id: string, role: string, direct: string, shared: string, effective: string): AccountRoleCost => ({
      account_id,
      role,
      billed_cost: effective,
      effective_cost: effective,
      direct_effective_cost: direct,
      shared_effective_cost: shared,
      customers: "1",
    });
    const data = [row("111", "api", "0.1", "0.2", "0.3"), row("111", "", "0", "0.000001", "0.000001"), row("222", "db", "5", "0", "5")];
    const { result } = renderHook(() =>
      useReactTable({
        data,
        columns: accountRoleColumns(),
        state: { sorting: [{ id: "effective_cost", desc: true }], grouping: ["account_id"], expanded: true },
        getCoreRowModel: getCoreRowModel(),
        getSortedRowModel: getSortedRowModel(),
        getGroupedRowModel: getGroupedRowModel(),
        getExpandedRowModel: getExpandedRowModel(),
      }),
    );
    expect(tableCsv(result.current).split("\r\n")).toEqual([
      "account_id,role,effective_cost,direct_effective_cost,shared_effective_cost,billed_cost,customers",
      // A group row holds its account and the subtotals; its rows leave the account blank.
      "222,,5,5,0,5,1",
      ",db,5,5,0,5,1",
      // 0.1 + 0.2 summed as decimals, not floats (0.30000000000000004).
      "111,,0.300001,0.1,0.200001,0.300001,1",
      ",api,0.3,0.1,0.2,0.3,1",
      ",(no role),0.000001,0,0.000001,0.000001,1",
      "",
    ]);
  });
});

describe("resources", () => {
  it("sends every filter explicitly with the API's defaults", () => {
    const params = resourcesParams({ customer: "acme", sort: "resource_id", offset: 50 }, "2026-12-02");
    expect(params).toMatchObject({ customer: "acme", cluster: "", sort: "resource_id", direction: "desc", limit: 50, offset: 50 });
  });

  it("shows the inventory as of the last day with cost data unless the URL names a day", () => {
    expect(resourcesParams({}, "2026-12-02").as_of).toBe("2026-12-01");
    expect(resourcesParams({ as_of: "2026-11-15" }, "2026-12-02").as_of).toBe("2026-11-15");
  });
});

describe("dashboard", () => {
  it("words data age", () => {
    expect(formatAge(30)).toBe("just now");
    expect(formatAge(600)).toBe("10 min ago");
    expect(formatAge(9329)).toBe("3 h ago");
    expect(formatAge(3 * 86400)).toBe("3 days ago");
  });
});
