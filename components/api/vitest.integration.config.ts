import { defineConfig } from "vitest/config";

/**
 * Integration: the Worker in workerd (`wrangler dev`) against a real ClickHouse HTTP endpoint
 * (the chlocal stack, seeded). test/integration/global-setup.ts starts and stops both; see
 * test/support/stack.mjs for the environment variables that reuse running ones instead.
 */
export default defineConfig({
  // `.sql` files as text modules, as wrangler's "Text" rule bundles them: sql_include_parity
  // imports the query registry itself.
  plugins: [
    {
      name: "sql-text-modules",
      enforce: "pre",
      transform: (code, id) => (id.endsWith(".sql") ? `export default ${JSON.stringify(code)};` : undefined),
    },
  ],
  test: {
    include: ["test/integration/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/integration/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
