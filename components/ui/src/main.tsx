import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "./index.css";
import { ApiError } from "./lib/api";
import { makeRouter } from "./router";

const queryClient: QueryClient = new QueryClient({
  // An unreachable API anywhere re-checks /api/health, so the header's status follows it.
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (error instanceof ApiError && error.kind === "unavailable" && query.queryKey[0] !== "health") {
        void queryClient.invalidateQueries({ queryKey: ["health"] });
      }
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      // A 4xx will not change on retry; an unreachable API gets one more try.
      retry: (failures, error) => !(error instanceof ApiError && error.kind !== "unavailable") && failures < 1,
    },
  },
});
const router = makeRouter();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
