/** TanStack Query hooks, one per endpoint; the query key is the path and its exact parameters. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import {
  apiGet,
  type AccountRoleCost,
  type ApiResponse,
  type Coverage,
  type CustomerCost,
  type DeltaNode,
  type DeltaResource,
  type DeltaWindowsParams,
  type Health,
  type LifecycleEvent,
  type Resource,
  type TreeNode,
  type TrendDay,
} from "./api";
import type { Window } from "./dates";

export function useApi<T>(path: string, params: Record<string, string | number | undefined>, enabled = true) {
  return useQuery({
    queryKey: [path, params],
    queryFn: ({ signal }) => apiGet<ApiResponse<T>>(path, params, { signal }),
    enabled,
  });
}

export const useHealth = () =>
  useQuery({ queryKey: ["health"], queryFn: ({ signal }) => apiGet<Health>("health", {}, { signal }) });

export const useCoverage = (w: Window) => useApi<Coverage>("coverage", { ...w });
export const useCostsByCustomer = (w: Window) => useApi<CustomerCost>("costs/by-customer", { ...w });
export const useCostsByAccountRole = (w: Window, customer: string) =>
  useApi<AccountRoleCost>("costs/by-account-role", { ...w, customer });
export const useTrend = (w: Window, customer = "") => useApi<TrendDay>("costs/trend", { ...w, customer });

export const useDeltaNodes = (p: DeltaWindowsParams, enabled = true) => useApi<DeltaNode>("delta/nodes", { ...p }, enabled);
export const useDeltaResources = (p: DeltaWindowsParams, enabled = true) =>
  useApi<DeltaResource>("delta/resources", { ...p }, enabled);
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
