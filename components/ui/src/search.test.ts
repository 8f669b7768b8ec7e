import { validateCostsSearch, validateDeltaSearch, validateHierarchySearch, validateResourcesSearch, validateWindowSearch } from "./search";

describe("search params", () => {
  it("keeps well-formed days and drops the rest", () => {
    expect(validateWindowSearch({ start: "2026-11-01", end: "nope" })).toEqual({ start: "2026-11-01", end: undefined });
  });

  it("keeps a reversed window: the API's 400 explains it", () => {
    expect(validateWindowSearch({ start: "2026-12-01", end: "2026-11-01" })).toEqual({ start: "2026-12-01", end: "2026-11-01" });
  });

  it("delta: hierarchy is an enum, the path a list of strings", () => {
    const search = validateDeltaSearch({ hierarchy: "physical", path: ["account:1", "region:1/eu-west-1"], view: "resources", resource: "i-1" });
    expect(search.hierarchy).toBe("physical");
    expect(search.path).toEqual(["account:1", "region:1/eu-west-1"]);
    expect(validateDeltaSearch({ hierarchy: "other", path: [1, 2] })).toMatchObject({ hierarchy: undefined, path: undefined });
  });

  it("delta: the cost basis is effective or billed", () => {
    expect(validateDeltaSearch({ basis: "billed" }).basis).toBe("billed");
    expect(validateDeltaSearch({ basis: "effective" }).basis).toBe("effective");
    expect(validateDeltaSearch({ basis: "amortised" }).basis).toBeUndefined();
  });

  it("delta: page size is one of the view's, offset a non-negative integer", () => {
    expect(validateDeltaSearch({ limit: 250, offset: 500 })).toMatchObject({ limit: 250, offset: 500 });
    // From a hand-typed URL the router may hand over strings.
    expect(validateDeltaSearch({ limit: "1000", offset: "0" })).toMatchObject({ limit: 1000, offset: 0 });
    expect(validateDeltaSearch({ limit: 25, offset: -100 })).toMatchObject({ limit: undefined, offset: undefined });
    expect(validateDeltaSearch({ limit: 100.5, offset: 1.5 })).toMatchObject({ limit: undefined, offset: undefined });
    expect(validateDeltaSearch({ offset: 10_000_001 })).toMatchObject({ offset: undefined });
    expect(validateDeltaSearch({})).toMatchObject({ limit: undefined, offset: undefined });
  });

  it("costs: tab, group and sort are validated", () => {
    expect(validateCostsSearch({ tab: "account-role", group: "role", sort: "effective_cost.desc" })).toMatchObject({ tab: "account-role", group: "role", sort: "effective_cost.desc" });
    expect(validateCostsSearch({ tab: "x", group: "y", sort: "drop table" })).toMatchObject({ tab: undefined, group: undefined, sort: undefined });
  });

  it("resources: sort columns, page sizes and offsets are the API's", () => {
    expect(validateResourcesSearch({ sort: "cost", direction: "asc", limit: 25, offset: 50, customer: "acme" })).toMatchObject({ sort: "cost", direction: "asc", limit: 25, offset: 50, customer: "acme" });
    expect(validateResourcesSearch({ sort: "arn", limit: 7, offset: -1 })).toMatchObject({ sort: undefined, limit: undefined, offset: undefined });
  });

  it("hierarchy: expanded nodes and the selected node", () => {
    expect(validateHierarchySearch({ open: ["customer:acme"], node: "customer:acme" })).toMatchObject({ open: ["customer:acme"], node: "customer:acme" });
  });
});
