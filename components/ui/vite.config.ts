import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type Plugin } from "vite";
import { BUILD_STAMP, inputsDigest } from "./e2e/support/build-inputs.mjs";

/**
 * The dev server (`polo-up`) and `vite preview` (e2e, perf) serve the SPA and proxy `/api` to the
 * API Worker, so the browser talks to one origin, as it does in production where the Worker
 * serves both. POLO_API_URL names the Worker (default: polo-up's http://127.0.0.1:8787).
 */
const apiTarget = process.env.POLO_API_URL ?? "http://127.0.0.1:8787";
const port = Number(process.env.POLO_UI_PORT ?? 5173);
const proxy = { "/api": { target: apiTarget, changeOrigin: false } };

/**
 * Built assets have content hashes in their names, so a browser may keep them for good; production
 * says the same through public/_headers (Workers Static Assets). index.html itself is revalidated.
 */
const IMMUTABLE = "public, max-age=31536000, immutable";
const immutableAssets: Plugin = {
  name: "polo-immutable-assets",
  configurePreviewServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url?.startsWith("/assets/")) res.setHeader("cache-control", IMMUTABLE);
      next();
    });
  },
};

/** dist/.build-inputs: the digest of what this build was made from (ensureBuilt reuses a current build). */
const buildStamp: Plugin = {
  name: "polo-build-stamp",
  apply: "build",
  closeBundle() {
    writeFileSync(join(import.meta.dirname, "dist", BUILD_STAMP), `${inputsDigest(import.meta.dirname)}\n`);
  },
};

export default defineConfig({
  plugins: [react(), tailwindcss(), immutableAssets, buildStamp],
  server: { host: "127.0.0.1", port, strictPort: true, proxy },
  preview: { host: "127.0.0.1", port, strictPort: true, proxy },
  // The initial chunk holds React, the router and Query (the budget is 350 KB gzipped, measured by
  // scripts/perf.mjs); the other pages and Recharts (the dashboard's chart) are chunks of their own.
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", reportCompressedSize: false, chunkSizeWarningLimit: 1000 },
});
