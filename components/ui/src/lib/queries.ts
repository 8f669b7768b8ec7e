/** TanStack Query hooks, one per endpoint; the query key is the path and its exact parameters. */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  apiGet,
  type AccountRoleCost,
  type ApiResponse,
  dashboardSummary,
  type DashboardRow,
  type CustomerCost,
  type DeltaCharge,
  type DeltaNode,
  type DeltaParams,
  type DeltaResource,
  type DeltaWindowsParams,
  type Health,
  type LifecycleEvent,
  type Resource,
  type TreeNode,
  type TrendDay,
} from "./api";
import { dataEndOf, type Window } from "./dates";

type Params = Record<string, string | number | undefined>;

/** Key and fetch of one endpoint's answer, shared by its hook and by prefetching. */
export function apiQuery<T>(path: string, params: Params) {
  return {
    queryKey: [path, params] as const,
    queryFn: ({ signal }: { signal: AbortSignal }) => apiGet<ApiResponse<T>>(path, params, { signal }),
  };
}

export function useApi<T>(path: string, params: Params, enabled = true) {
  return useQuery({ ...apiQuery<T>(path, params), enabled });
}

export const useHealth = () =>
  useQuery({ queryKey: ["health"], queryFn: ({ signal }) => apiGet<Health>("health", {}, { signal }) });

/**
 * Where default and preset windows end: the day after the last day with cost data, from
 * GET /api/health (issue 15: a default window never reaches into days whose cost is not in yet).
 * Today when health cannot say (it failed, or no cost was loaded yet); undefined while it loads.
 */
export function useDataEnd(): string | undefined {
  const health = useHealth();
  return health.isPending ? undefined : dataEndOf(health.data?.last_cost_day);
}

/** The dashboard's numbers for a window and the one it is compared with, in one request. */
export const dashboardQuery = (w: Window, previous: Window) =>
  apiQuery<DashboardRow>("dashboard", { start: w.start, end: w.end, previous_start: previous.start, previous_end: previous.end });
export const useDashboard = (w: Window, previous: Window) =>
  useQuery({ ...dashboardQuery(w, previous), select: (response) => dashboardSummary(response.data) });

export const useCostsByCustomer = (w: Window) => useApi<CustomerCost>("costs/by-customer", { ...w });
export const useCostsByAccountRole = (w: Window, customer: string) =>
  useApi<AccountRoleCost>("costs/by-account-role", { ...w, customer });

export const deltaNodesQuery = (p: DeltaParams) => apiQuery<DeltaNode>("delta/nodes", { ...p });
export const useDeltaNodes = (p: DeltaParams, enabled = true) => useQuery({ ...deltaNodesQuery(p), enabled });

/**
 * Starts loading a node's children when the pointer rests on (or focus reaches) its link, so a
 * drill-down click usually finds them loaded or on the way; fresh data is not asked for again.
 */
export function usePrefetchDeltaNodes(): (p: DeltaParams) => void {
  const client = useQueryClient();
  return (p) => void client.prefetchQuery(deltaNodesQuery(p));
}
/**
 * One page of the resources under a node. While the next page of the same node and windows
 * loads, the page shown stays (dimmed by the caller) instead of a skeleton, so the pager does not
 * jump under the pointer; another node or window starts from a skeleton, never from stale rows.
 */
export function useDeltaResources(p: DeltaParams, page: { limit: number; offset: number }, enabled = true) {
  const params: Params = { ...p, ...page };
  return useQuery({
    ...apiQuery<DeltaResource>("delta/resources", params),
    enabled,
    placeholderData: (previous, previousQuery) => {
      const before = previousQuery?.queryKey[1] as Params | undefined;
      const samePages = before !== undefined && Object.keys(p).every((key) => before[key] === params[key]);
      return samePages ? previous : undefined;
    },
  });
}
export const useDeltaCharges = (p: DeltaWindowsParams) => useApi<DeltaCharge>("delta/charges", { ...p });
export const useDeltaEvents = (resourceId: string, w: Window, enabled = true) =>
  useApi<LifecycleEvent>("delta/events", { resource_id: resourceId, ...w }, enabled);

export const useHierarchyTree = (p: { hierarchy: string; node_id: string } & Window, enabled = true) =>
  useApi<TreeNode>("hierarchy/tree", { ...p }, enabled);
export const useNodeTrend = (p: { hierarchy: string; node_id: string } & Window, enabled = true) =>
  useApi<TrendDay>("hierarchy/trend", { ...p }, enabled);

export function useResources(params: Record<string, string | number>) {
  return useQuery({
    queryKey: ["resources", params],
    queryFn: ({ signal }) => apiGet<ApiResponse<Resource>>("resources", params, { signal }),
    placeholderData: keepPreviousData,
  });
}
