/**
 * The API client: GET `/api/...` on the page's own origin (the Vite proxy locally, the Worker in
 * production). Every failure becomes an `ApiError` with a kind the UI can explain, never raw JSON.
 */
export type ApiErrorKind = "unavailable" | "bad_request" | "auth" | "not_found" | "server";

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface Column {
  name: string;
  type: string;
}

export interface ApiResponse<Row> {
  data: Row[];
  params: Record<string, string | number>;
  meta: { query: string; columns: Column[]; rows: number; elapsed_ms: number };
  page?: { limit: number; offset: number; has_more: boolean; next_offset: number | null; total: number | null };
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

function kindOf(status: number): ApiErrorKind {
  if (status === 400) return "bad_request";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 502 || status === 503 || status === 504) return "unavailable";
  return "server";
}

/** Query string from params, leaving out undefined values (the API rejects unknown ones, not empty ones). */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

declare global {
  interface Window {
    /** Requests index.html started before the app's code loaded: URL -> the response, taken once. */
    __poloPrefetch?: Record<string, Promise<Response> | undefined>;
  }
}

/**
 * The response index.html already asked for (the dashboard's summary, while the bundle loads), if
 * it asked for exactly this URL; each is used once, so a refetch goes to the network.
 */
export function takePrefetched(url: string): Promise<Response> | undefined {
  const pending = typeof window === "undefined" ? undefined : window.__poloPrefetch?.[url];
  if (pending) delete window.__poloPrefetch![url];
  return pending;
}

export async function apiGet<T>(
  path: string,
  params: Record<string, string | number | undefined | null> = {},
  options: { fetch?: Fetch; signal?: AbortSignal } = {},
): Promise<T> {
  const doFetch: Fetch = options.fetch ?? ((input, init) => takePrefetched(input) ?? fetch(input, init));
  let response: Response;
  try {
    response = await doFetch(`/api/${path}${queryString(params)}`, {
      signal: options.signal,
      headers: { accept: "application/json" },
      credentials: "same-origin",
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError("unavailable", 0, "network", "The Polo API cannot be reached. Is the stack running?");
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (response.ok && body !== undefined) return body as T;
  const apiError = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  if (apiError?.message) {
    throw new ApiError(kindOf(response.status), response.status, apiError.code ?? "error", apiError.message);
  }
  if (response.status === 401 || response.status === 403) {
    throw new ApiError("auth", response.status, "access", "Cloudflare Access did not let this request through.");
  }
  // No JSON: a proxy (Vite locally) answered because the Worker did not.
  const status = response.ok ? 502 : response.status;
  throw new ApiError(
    status >= 500 || response.ok ? "unavailable" : kindOf(status),
    status,
    "no_answer",
    `The Polo API did not answer (HTTP ${status}${response.ok ? ", not JSON" : ""}).`,
  );
}

// ---- Rows of each endpoint (docs/api.md): decimals and 64-bit integers are strings.

export interface CustomerCost {
  customer: string;
  node_id: string;
  billed_cost: string;
  effective_cost: string;
  /** The cost of the customer's own resources; with shared_effective_cost it makes effective_cost. */
  direct_effective_cost: string;
  /** What shared-cost split rules moved to the customer (docs/allocation.md); "0" without rules. */
  shared_effective_cost: string;
  share_pct: string;
  accounts: string;
}

export interface AccountRoleCost {
  account_id: string;
  role: string;
  billed_cost: string;
  effective_cost: string;
  /** The cost of the row's own resources; with shared_effective_cost it makes effective_cost. */
  direct_effective_cost: string;
  /** What shared-cost split rules moved to owners with this role, in this account; "0" without rules. */
  shared_effective_cost: string;
  customers: string;
}

export interface TrendDay {
  charge_date: string;
  billed_cost: string;
  effective_cost: string;
  attributed_cost?: string;
  unattributed_cost?: string;
}

export interface Coverage {
  total_cost: string;
  attributed_cost: string;
  unattributed_cost: string;
  coverage_pct: string;
  customers: string;
}

/**
 * A row of `/api/dashboard`: `section` says which of the other shapes it is ('window' and
 * 'previous' a Coverage, 'customer' a CustomerCost, 'day' and 'previous_day' a TrendDay); the
 * columns a section does not have are null.
 */
export type DashboardRow = { section: "window" | "previous" | "customer" | "day" | "previous_day" } & {
  [Key in keyof (Coverage & CustomerCost & TrendDay)]: string | null;
};

export interface DashboardSummary {
  current: Coverage;
  previous: Coverage;
  customers: CustomerCost[];
  trend: TrendDay[];
  previousTrend: TrendDay[];
}

/** The rows of `/api/dashboard` as the shapes of the endpoints each section stands for. */
export function dashboardSummary(rows: DashboardRow[]): DashboardSummary {
  const of = (section: DashboardRow["section"]) => rows.filter((row) => row.section === section) as unknown[];
  const [current] = of("window") as Coverage[];
  const [previous] = of("previous") as Coverage[];
  if (!current || !previous) throw new ApiError("server", 200, "bad_summary", "The dashboard summary has no totals for its windows.");
  return {
    current,
    previous,
    customers: of("customer") as CustomerCost[],
    trend: of("day") as TrendDay[],
    previousTrend: of("previous_day") as TrendDay[],
  };
}

/** The change of usage at its billed price, by what happened to each resource. */
export const USAGE_COMPONENTS = ["created", "removed", "usage_effect", "rate_effect", "transferred_in", "transferred_out"] as const;
/** The change of each other charge category (/api/delta/charges' categories but usage). */
export const CATEGORY_COMPONENTS = ["commitment", "credit", "adjustment", "tax", "purchase"] as const;
/** A delta's components in the API's column order: they sum exactly to the delta. */
export const DELTA_COMPONENTS = [...USAGE_COMPONENTS, ...CATEGORY_COMPONENTS] as const;
export type DeltaComponent = (typeof DELTA_COMPONENTS)[number];
export type CategoryComponent = (typeof CATEGORY_COMPONENTS)[number];

export const COMPONENT_LABELS: Record<DeltaComponent, string> = {
  created: "Created",
  removed: "Removed",
  usage_effect: "Usage",
  rate_effect: "Rate",
  transferred_in: "Transferred in",
  transferred_out: "Transferred out",
  commitment: "Commitments",
  credit: "Credits",
  adjustment: "Adjustments",
  tax: "Tax",
  purchase: "Purchases",
};

/** The cost a decomposition splits (?basis=); the API's default is effective. */
export const BASES = ["effective", "billed"] as const;
export type Basis = (typeof BASES)[number];

export type DeltaParts = Record<DeltaComponent, string> & { total_a: string; total_b: string; delta: string };

export interface DeltaNode extends DeltaParts {
  node_id: string;
  node_type: string;
  resource_count: string;
  flagged_resources: string;
}

/**
 * What a row of /api/delta/resources is: the resource's usage classified against the node, or one
 * of its other charge categories (a row of its own, so a resource can have several rows).
 */
export type ResourceComponent = "created" | "removed" | "continuing" | "transferred_in" | "transferred_out" | CategoryComponent;

export const RESOURCE_COMPONENT_LABELS: Record<ResourceComponent, string> = {
  created: COMPONENT_LABELS.created,
  removed: COMPONENT_LABELS.removed,
  continuing: "Continuing",
  transferred_in: COMPONENT_LABELS.transferred_in,
  transferred_out: COMPONENT_LABELS.transferred_out,
  commitment: COMPONENT_LABELS.commitment,
  credit: COMPONENT_LABELS.credit,
  adjustment: COMPONENT_LABELS.adjustment,
  tax: COMPONENT_LABELS.tax,
  purchase: COMPONENT_LABELS.purchase,
};

export interface DeltaResource extends DeltaParts {
  resource_id: string;
  resource_type: string;
  account_id: string;
  region: string;
  marqo_customer: string;
  marqo_cluster: string;
  marqo_role: string;
  component: ResourceComponent;
  flagged: number;
}

/** The charge categories of /api/delta/charges, in the order the API answers them. */
export const CHARGE_CATEGORIES = ["usage", "commitment", "credit", "adjustment", "tax", "purchase"] as const;
export type ChargeCategory = (typeof CHARGE_CATEGORIES)[number];

export const CHARGE_LABELS: Record<ChargeCategory, { label: string; hint: string }> = {
  usage: { label: "Usage", hint: "at its billed price" },
  commitment: { label: "Commitments", hint: "Savings Plan and RI discounts, amortised" },
  credit: { label: "Credits", hint: "" },
  adjustment: { label: "Refunds and corrections", hint: "" },
  tax: { label: "Tax", hint: "" },
  purchase: { label: "Purchases", hint: "commitment fees, Marketplace" },
};

/** One charge category of a node's change, on the effective and on the billed basis. */
export interface DeltaCharge {
  category: ChargeCategory;
  total_a: string;
  total_b: string;
  delta: string;
  billed_total_a: string;
  billed_total_b: string;
  billed_delta: string;
}

export interface LifecycleEvent {
  event_time: string;
  kind: string;
  action: string;
  event_name: string;
  actor_arn: string;
  actor_type: string;
  source_ip: string;
  request_id: string;
  detail: string;
}

export interface Resource {
  resource_id: string;
  resource_type: string;
  account_id: string;
  region: string;
  state: string;
  marqo_customer: string;
  marqo_cluster: string;
  marqo_role: string;
  marqo_environment: string;
  owner_rule: string;
  is_idle: number;
  idle_reason: string;
  physical_parent_id: string;
  arn: string;
  tags: Record<string, string>;
  cost: string;
  total_rows: string;
}

export interface TreeNode {
  node_id: string;
  node_type: string;
  present_as_of: number;
  resources: string;
  descendants: string;
  billed_cost: string;
  effective_cost: string;
}

export interface Freshness {
  collector: string;
  last_ok_at: string;
  age_seconds: string;
  last_run_at: string;
  last_status: string;
  last_error: string;
}

export interface Health {
  status: "ok" | "degraded" | "unavailable";
  environment?: string;
  clickhouse: { reachable: boolean; latency_ms: number };
  freshness?: Freshness[];
  /** The last day with attributed cost (null: none yet); default windows end with it. */
  last_cost_day?: string | null;
}

/** A node id without its kind prefix: "cluster:acme/acme-prod" → "acme-prod". */
export function nodeLabel(nodeId: string): string {
  if (nodeId === "") return "All";
  const withoutKind = nodeId.includes(":") && !nodeId.startsWith("arn:") ? nodeId.slice(nodeId.indexOf(":") + 1) : nodeId;
  const parts = withoutKind.split("/");
  return parts[parts.length - 1] || withoutKind;
}

export interface DeltaWindowsParams {
  base_start: string;
  base_end: string;
  compare_start: string;
  compare_end: string;
  hierarchy: string;
  node_id: string;
}

/** A decomposition's parameters (delta/nodes, delta/resources); delta/charges answers both bases. */
export interface DeltaParams extends DeltaWindowsParams {
  /** Left out for the API's default, effective. */
  basis?: Basis;
}
