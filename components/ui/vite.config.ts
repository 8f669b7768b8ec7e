import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The dev server (`polo-up`) and `vite preview` (e2e, perf) serve the SPA and proxy `/api` to the
 * API Worker, so the browser talks to one origin, as it does in production where the Worker
 * serves both. POLO_API_URL names the Worker (default: polo-up's http://127.0.0.1:8787).
 */
const apiTarget = process.env.POLO_API_URL ?? "http://127.0.0.1:8787";
const port = Number(process.env.POLO_UI_PORT ?? 5173);
const proxy = { "/api": { target: apiTarget, changeOrigin: false } };

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: { host: "127.0.0.1", port, strictPort: true, proxy },
  preview: { host: "127.0.0.1", port, strictPort: true, proxy },
  // The initial chunk holds React, the router, Query and Recharts (~250 KB gzipped; the budget is
  // 350 KB, measured by scripts/perf.mjs); the other pages are chunks of their own.
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", reportCompressedSize: false, chunkSizeWarningLimit: 1000 },
});
