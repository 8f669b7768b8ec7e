/**
 * Typed search params of every page: what the URL may hold, validated. Anything missing or
 * malformed is left out and the page uses its default, so a hand-edited link never crashes a page.
 * Dates are checked for shape only: a reversed window reaches the API, whose 400 the page shows.
 */
import { BASES, type Basis } from "./lib/api";
import { isIsoDay } from "./lib/dates";

type Raw = Record<string, unknown>;

function day(raw: Raw, key: string): string | undefined {
  return isIsoDay(raw[key]) ? (raw[key] as string) : undefined;
}

function text(raw: Raw, key: string, max = 256): string | undefined {
  const value = raw[key];
  if (typeof value === "number") return String(value);
  return typeof value === "string" && value !== "" && value.length <= max ? value : undefined;
}

function oneOf<T extends string>(raw: Raw, key: string, allowed: readonly T[]): T | undefined {
  return allowed.includes(raw[key] as T) ? (raw[key] as T) : undefined;
}

function list(raw: Raw, key: string): string[] | undefined {
  const value = raw[key];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value.length ? (value as string[]) : undefined;
  return undefined;
}

function uint(raw: Raw, key: string, max: number): number | undefined {
  const value = Number(raw[key]);
  return Number.isInteger(value) && value >= 0 && value <= max ? value : undefined;
}

/** The largest offset a URL may ask for: far beyond any page the API has. */
const MAX_OFFSET = 10_000_000;

function pageSize(raw: Raw, allowed: readonly number[]): number | undefined {
  const value = Number(raw.limit);
  return allowed.includes(value) ? value : undefined;
}

export interface WindowSearch {
  start?: string;
  end?: string;
}

export const validateWindowSearch = (raw: Raw): WindowSearch => ({ start: day(raw, "start"), end: day(raw, "end") });

export const HIERARCHIES = ["logical", "physical"] as const;
export type Hierarchy = (typeof HIERARCHIES)[number];

export interface DeltaSearch {
  base_start?: string;
  base_end?: string;
  compare_start?: string;
  compare_end?: string;
  hierarchy?: Hierarchy;
  /** The cost the decomposition splits; left out for effective, the API's default. */
  basis?: Basis;
  /** The drill-down trail, root first: each entry a node id. */
  path?: string[];
  view?: "nodes" | "resources";
  /** The resource whose lifecycle events are open. */
  resource?: string;
  /** The page of the resources view: page size and first row (0-based). */
  limit?: number;
  offset?: number;
}

/** Rows per page of the delta resources view; a node can have tens of thousands of resources. */
export const DELTA_PAGE_SIZES = [50, 100, 250, 1000] as const;

export const validateDeltaSearch = (raw: Raw): DeltaSearch => ({
  base_start: day(raw, "base_start"),
  base_end: day(raw, "base_end"),
  compare_start: day(raw, "compare_start"),
  compare_end: day(raw, "compare_end"),
  hierarchy: oneOf(raw, "hierarchy", HIERARCHIES),
  basis: oneOf(raw, "basis", BASES),
  path: list(raw, "path"),
  view: oneOf(raw, "view", ["nodes", "resources"] as const),
  resource: text(raw, "resource"),
  limit: pageSize(raw, DELTA_PAGE_SIZES),
  offset: uint(raw, "offset", MAX_OFFSET),
});

export const COST_TABS = ["customer", "account-role"] as const;
export const COST_GROUPS = ["none", "account", "role"] as const;

export interface CostsSearch extends WindowSearch {
  tab?: (typeof COST_TABS)[number];
  customer?: string;
  group?: (typeof COST_GROUPS)[number];
  /** "column.asc" or "column.desc". */
  sort?: string;
}

export const validateCostsSearch = (raw: Raw): CostsSearch => ({
  ...validateWindowSearch(raw),
  tab: oneOf(raw, "tab", COST_TABS),
  customer: text(raw, "customer"),
  group: oneOf(raw, "group", COST_GROUPS),
  sort: typeof raw.sort === "string" && /^[a-z_]+\.(asc|desc)$/.test(raw.sort) ? raw.sort : undefined,
});

export const RESOURCE_SORTS = [
  "resource_id",
  "resource_type",
  "account_id",
  "region",
  "state",
  "marqo_customer",
  "marqo_cluster",
  "marqo_role",
  "cost",
] as const;
export type ResourceSort = (typeof RESOURCE_SORTS)[number];
export const RESOURCE_FILTERS = ["customer", "cluster", "role", "account_id", "resource_type", "state", "search"] as const;
export type ResourceFilter = (typeof RESOURCE_FILTERS)[number];
export const PAGE_SIZES = [25, 50, 100] as const;

export type ResourcesSearch = Partial<Record<ResourceFilter, string>> & {
  as_of?: string;
  sort?: ResourceSort;
  direction?: "asc" | "desc";
  limit?: number;
  offset?: number;
};

export const validateResourcesSearch = (raw: Raw): ResourcesSearch => {
  const search: ResourcesSearch = {
    as_of: day(raw, "as_of"),
    sort: oneOf(raw, "sort", RESOURCE_SORTS),
    direction: oneOf(raw, "direction", ["asc", "desc"] as const),
    limit: pageSize(raw, PAGE_SIZES),
    offset: uint(raw, "offset", MAX_OFFSET),
  };
  for (const key of RESOURCE_FILTERS) search[key] = text(raw, key);
  return search;
};

export interface HierarchySearch extends WindowSearch {
  hierarchy?: Hierarchy;
  /** Expanded nodes. */
  open?: string[];
  /** The node whose cost trend is shown ('' = the whole organisation). */
  node?: string;
}

export const validateHierarchySearch = (raw: Raw): HierarchySearch => ({
  ...validateWindowSearch(raw),
  hierarchy: oneOf(raw, "hierarchy", HIERARCHIES),
  open: list(raw, "open"),
  node: text(raw, "node"),
});

/** Drops undefined keys so URLs stay short. */
export function compact<T extends object>(search: T): T {
  return Object.fromEntries(Object.entries(search).filter(([, value]) => value !== undefined && value !== "")) as T;
}
