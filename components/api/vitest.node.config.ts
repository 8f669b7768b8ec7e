import { defineConfig } from "vitest/config";

/** Unit tests of the Node-side tooling (the deploy wrapper): no ClickHouse, no network. */
export default defineConfig({
  test: {
    include: ["test/node/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
  },
});
