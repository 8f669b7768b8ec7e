import { defineConfig } from "vitest/config";

/**
 * Integration: the Worker in workerd (`wrangler dev`) against a real ClickHouse HTTP endpoint
 * (the chlocal stack, seeded). test/integration/global-setup.ts starts and stops both; see
 * test/support/stack.mjs for the environment variables that reuse running ones instead.
 */
export default defineConfig({
  test: {
    include: ["test/integration/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/integration/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
