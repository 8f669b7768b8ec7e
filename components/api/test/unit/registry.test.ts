import { describe, expect, it } from "vitest";
import { bindParams, deltaNodesFile, deltaResourcesFile, LOOKUPS, QUERIES, sqlFor, stripCommentLines, type QueryName } from "../../src/queries/registry";

/** `{name:Type}` placeholders ClickHouse will bind, outside comments. */
function placeholders(sql: string): Map<string, string> {
  const code = sql.replace(/\/\*[\s\S]*?\*\//g, "").replace(/--[^\n]*/g, "");
  const found = new Map<string, string>();
  for (const match of code.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g)) {
    const [, name, type] = match as unknown as [string, string, string];
    const normalised = type.replace(/\s+/g, "");
    const previous = found.get(name);
    if (previous && previous !== normalised) throw new Error(`{${name}} is declared as both ${previous} and ${normalised}`);
    found.set(name, normalised);
  }
  return found;
}

describe("query registry", () => {
  const names = Object.keys(QUERIES) as QueryName[];

  it("covers the fourteen named queries of the contract", () => {
    expect(names.sort()).toEqual(
      [
        "costs_by_account_role",
        "costs_by_customer",
        "coverage",
        "dashboard_summary",
        "daily_trend",
        "delta_charges",
        "delta_events",
        "delta_nodes",
        "delta_resources",
        "export_focus",
        "freshness",
        "hierarchy_tree",
        "node_cost_trend",
        "resources",
      ].sort(),
    );
  });

  it.each(names)("%s: bundled SQL declares exactly the registry's parameters, with the same ClickHouse types", (name) => {
    const spec = QUERIES[name];
    expect(spec.sql.trim().length, "the .sql text module is empty").toBeGreaterThan(0);
    const declared = Object.fromEntries(placeholders(spec.sql));
    const registered = Object.fromEntries(Object.entries(spec.params).map(([param, p]) => [param, p.chType]));
    expect(declared).toEqual(registered);
  });

  it.each(names.filter((name) => QUERIES[name].files))("%s: every file declares exactly the registry's parameters", (name) => {
    const spec = QUERIES[name];
    const registered = Object.fromEntries(Object.entries(spec.params).map(([param, p]) => [param, p.chType]));
    for (const [file, sql] of Object.entries(spec.files?.sql ?? {})) {
      expect(sql.trim().length, `${file} is empty`).toBeGreaterThan(0);
      expect(Object.fromEntries(placeholders(sql)), file).toEqual(registered);
    }
  });

  // Two adjacent weeks (the API's default windows) and two adjacent 3-day windows.
  const week = { base_start: "2026-03-01", base_end: "2026-03-08", compare_start: "2026-03-08", compare_end: "2026-03-15" };
  const days3 = { base_start: "2026-03-05", base_end: "2026-03-08", compare_start: "2026-03-08", compare_end: "2026-03-11" };
  // October against November: calendar months of 31 and 30 days (the month pairs).
  const months = { base_start: "2026-10-01", base_end: "2026-11-01", compare_start: "2026-11-01", compare_end: "2026-12-01" };
  it.each([
    ["logical", "", week, "delta_nodes_root_week"],
    ["physical", "", week, "delta_nodes_root_week"],
    ["logical", "customer:acme", week, "delta_nodes_week"],
    ["physical", "account:123456789012", week, "delta_nodes_week"],
    ["physical", "vpc-1", week, "delta_nodes_week"],
    ["logical", "", days3, "delta_nodes_root"],
    ["physical", "", days3, "delta_nodes_root"],
    ["logical", "", { ...week, base_start: "2026-02-28", base_end: "2026-03-07" }, "delta_nodes_root"],
    ["logical", "", { ...week, compare_end: "2026-03-16" }, "delta_nodes_root"],
    ["logical", "customer:acme", days3, "delta_nodes_owner"],
    ["logical", "cluster:acme/k1", days3, "delta_nodes_owner"],
    ["logical", "role:acme//api", days3, "delta_nodes_owner"],
    ["logical", "i-0abc", days3, "delta_nodes_owner"],
    ["logical", "account:123456789012", days3, "delta_nodes_owner"],
    ["physical", "unresourced:123456789012/global/Tax", days3, "delta_nodes_owner"],
    ["physical", "account:123456789012", days3, "delta_nodes_account"],
    ["physical", "region:123456789012/eu-west-1", days3, "delta_nodes_closure"],
    ["physical", "vpc-1", days3, "delta_nodes_closure"],
    ["physical", "i-0abc", days3, "delta_nodes_closure"],
    ["logical", "", months, "delta_nodes_root_month"],
    ["physical", "", months, "delta_nodes_root_month"],
    ["logical", "customer:acme", months, "delta_nodes_month"],
    ["physical", "account:123456789012", months, "delta_nodes_month"],
    ["physical", "vpc-1", months, "delta_nodes_month"],
    ["logical", "", { ...months, base_start: "2026-10-02" }, "delta_nodes_root"],
    ["logical", "customer:acme", { ...months, compare_end: "2026-11-30" }, "delta_nodes_owner"],
    ["physical", "vpc-1", { base_start: "2026-10-01", base_end: "2026-10-06", compare_start: "2026-11-01", compare_end: "2026-11-06" }, "delta_nodes_closure"],
  ])("delta_nodes in the %s hierarchy at %j over %j is answered by %s", (hierarchy, nodeId, windows, file) => {
    const params = { ...windows, hierarchy, node_id: nodeId };
    expect(deltaNodesFile(params)).toBe(file);
    const spec = QUERIES.delta_nodes;
    const sent = sqlFor(spec, params);
    expect(sent).toBe(stripCommentLines(spec.files?.sql[file] ?? ""));
    expect(sent).not.toMatch(/^\s*--/m);
  });

  // Month to date: the first 5 days of November against the first 5 of October; 30 March to date
  // against all of February (cut at its end); February against 1-28 January. The same table as
  // test_month_to_date_reads_its_pairs_only_inside_the_data in attribution/queries_test.py.
  const mtd = { base_start: "2026-10-01", base_end: "2026-10-06", compare_start: "2026-11-01", compare_end: "2026-11-06" };
  const mtd30March = { base_start: "2026-02-01", base_end: "2026-03-01", compare_start: "2026-03-01", compare_end: "2026-03-31" };
  const februaryToDate = { base_start: "2026-01-01", base_end: "2026-01-29", compare_start: "2026-02-01", compare_end: "2026-03-01" };
  it.each([
    ["logical", "", mtd, "2026-11-06", "delta_nodes_root_mtd"],
    ["physical", "", mtd, "2026-12-06", "delta_nodes_root_mtd"],
    ["logical", "customer:acme", mtd, "2026-11-06", "delta_nodes_mtd"],
    ["physical", "account:123456789012", mtd, "2026-11-06", "delta_nodes_mtd"],
    ["physical", "vpc-1", mtd, "2026-11-06", "delta_nodes_mtd"],
    ["logical", "", mtd30March, "2026-03-31", "delta_nodes_root_mtd"],
    ["logical", "", februaryToDate, "2026-03-01", "delta_nodes_root_mtd"],
    // Past the data's end the pair does not exist yet: the blocks answer.
    ["logical", "", mtd, "2026-11-05", "delta_nodes_root"],
    ["physical", "vpc-1", mtd, "2026-11-05", "delta_nodes_closure"],
    ["logical", "", mtd, null, "delta_nodes_root"],
    // Not the same days: 5 against 4, or a base that does not start on the 1st.
    ["logical", "", { ...mtd, base_end: "2026-10-05" }, "2026-12-01", "delta_nodes_root"],
    ["logical", "customer:acme", { ...mtd, base_start: "2026-10-02", base_end: "2026-10-07" }, "2026-12-01", "delta_nodes_owner"],
    // A whole month against the whole month before stays month over month.
    ["logical", "", months, "2026-12-01", "delta_nodes_root_month"],
    ["logical", "", { ...mtd30March, compare_end: "2026-04-01" }, "2026-04-01", "delta_nodes_root_month"],
  ] as const)("delta_nodes in the %s hierarchy at %j over %j with data up to %s is answered by %s", (hierarchy, nodeId, windows, dataEnd, file) => {
    const params = { ...windows, hierarchy, node_id: nodeId };
    expect(deltaNodesFile(params, dataEnd)).toBe(file);
    expect(sqlFor(QUERIES.delta_nodes, params, dataEnd)).toBe(stripCommentLines(QUERIES.delta_nodes.files?.sql[file] ?? ""));
  });

  // The same table as test_delta_resources_reads_the_pairs_for_their_windows_and_raw_totals_only in
  // attribution/queries_test.py.
  it.each([
    [week, "none", null, "delta_resources_pair"],
    [months, "none", null, "delta_resources_pair"],
    [mtd, "none", "2026-11-06", "delta_resources_pair"],
    // The per-day view, other windows, and month to date past the data read the blocks.
    [week, "daily", null, "delta_resources"],
    [months, "daily", "2026-12-01", "delta_resources"],
    [mtd, "daily", "2026-11-06", "delta_resources"],
    [mtd, "none", "2026-11-05", "delta_resources"],
    [mtd, "none", null, "delta_resources"],
    [days3, "none", null, "delta_resources"],
    [{ ...week, compare_end: "2026-03-16" }, "none", null, "delta_resources"],
    [{ ...months, base_start: "2026-10-02" }, "none", null, "delta_resources"],
  ] as const)("delta_resources over %j with normalise=%s and data up to %s is answered by %s", (windows, normalise, dataEnd, file) => {
    for (const [hierarchy, nodeId] of [["logical", ""], ["logical", "customer:acme"], ["physical", "vpc-1"]] as const) {
      const params = { ...windows, normalise, hierarchy, node_id: nodeId, limit: 10, offset: 0 };
      expect(deltaResourcesFile(params, dataEnd)).toBe(file);
      expect(sqlFor(QUERIES.delta_resources, params, dataEnd)).toBe(stripCommentLines(QUERIES.delta_resources.files?.sql[file] ?? ""));
    }
  });

  it("delta windows may differ in length (calendar months) and default to raw totals of effective cost, all resources on one page", () => {
    const search = new URLSearchParams("base_start=2026-10-01&base_end=2026-11-01&compare_start=2026-11-01&compare_end=2026-12-01");
    const nodes = bindParams(QUERIES.delta_nodes, search, "2026-12-06");
    expect([nodes.normalise, nodes.basis]).toEqual(["none", "effective"]);
    expect(deltaNodesFile(nodes)).toBe("delta_nodes_root_month");
    const resources = bindParams(QUERIES.delta_resources, search, "2026-12-06");
    expect([resources.limit, resources.offset, resources.basis]).toEqual([1000, 0, "effective"]);
  });

  it("the billed basis reads the same files: every file of a decomposition answers both bases", () => {
    const search = new URLSearchParams("base_start=2026-10-01&base_end=2026-11-01&compare_start=2026-11-01&compare_end=2026-12-01&basis=billed");
    const nodes = bindParams(QUERIES.delta_nodes, search, "2026-12-06");
    expect(nodes.basis).toBe("billed");
    expect(deltaNodesFile(nodes)).toBe("delta_nodes_root_month");
    expect(deltaResourcesFile(bindParams(QUERIES.delta_resources, search, "2026-12-06"))).toBe("delta_resources_pair");
  });

  it("queries answered by one file are sent as they are", () => {
    expect(sqlFor(QUERIES.costs_by_customer, { start: "2026-11-01", end: "2026-12-01" })).toBe(QUERIES.costs_by_customer.sql);
  });

  it("strips whole comment lines only", () => {
    expect(stripCommentLines("-- head\n\nSELECT '--x' -- tail\n  -- indented\nFROM t")).toBe("SELECT '--x' -- tail\nFROM t");
  });

  it("node_exists lookup declares exactly its registry parameters", () => {
    const declared = Object.fromEntries(placeholders(LOOKUPS.node_exists.sql));
    const registered = Object.fromEntries(Object.entries(LOOKUPS.node_exists.params).map(([p, spec]) => [p, spec.chType]));
    expect(declared).toEqual(registered);
  });

  it.each(names)("%s: parameter defaults resolve to valid values", (name) => {
    const spec = QUERIES[name];
    for (const [param, p] of Object.entries(spec.params)) {
      if (p.kind === "enum") expect(p.values, param).toContain(p.default);
      if (p.kind === "uint") expect(p.default >= p.min && p.default <= p.max, param).toBe(true);
    }
  });
});
