/**
 * Routes (code-based TanStack Router). Each page's state lives in its typed search params; every
 * page but the dashboard is its own chunk, loaded on first visit.
 */
import { createRootRoute, createRoute, createRouter, lazyRouteComponent } from "@tanstack/react-router";
import { Layout, NotFound } from "./components/Layout";
import { DashboardPage } from "./pages/Dashboard";
import {
  validateCostsSearch,
  validateDeltaSearch,
  validateHierarchySearch,
  validateResourcesSearch,
  validateWindowSearch,
} from "./search";

const rootRoute = createRootRoute({ component: Layout, notFoundComponent: NotFound });

export const dashboardRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  validateSearch: validateWindowSearch,
  component: DashboardPage,
});

export const deltaRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/delta",
  validateSearch: validateDeltaSearch,
  component: lazyRouteComponent(() => import("./pages/Delta"), "DeltaPage"),
});

export const costsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/costs",
  validateSearch: validateCostsSearch,
  component: lazyRouteComponent(() => import("./pages/Costs"), "CostsPage"),
});

export const resourcesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/resources",
  validateSearch: validateResourcesSearch,
  component: lazyRouteComponent(() => import("./pages/Resources"), "ResourcesPage"),
});

export const hierarchyRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/hierarchy",
  validateSearch: validateHierarchySearch,
  component: lazyRouteComponent(() => import("./pages/Hierarchy"), "HierarchyPage"),
});

const routeTree = rootRoute.addChildren([dashboardRoute, deltaRoute, costsRoute, resourcesRoute, hierarchyRoute]);

export function makeRouter() {
  return createRouter({ routeTree, defaultPreload: "intent", scrollRestoration: true });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
}
