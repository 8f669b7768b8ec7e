import { defineWorkersConfig } from "@cloudflare/vitest-pool-workers/config";

/**
 * Unit tests run inside workerd (the Workers runtime) with the Worker's own wrangler.toml, so the
 * `.sql` text-module rule, compatibility date and globals are the deployed ones. No network: the
 * tests activate `fetchMock` and refuse unmocked outbound requests.
 */
export default defineWorkersConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    poolOptions: {
      workers: {
        singleWorker: true,
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            // The dev bypass is honoured only here and only for loopback hosts (test/unit/helpers.ts).
            POLO_ENV: "development",
            CLICKHOUSE_URL: "http://clickhouse.test:8123",
            ACCESS_TEAM_DOMAIN: "polo-test",
            ACCESS_AUD: "polo-test-aud",
            POLO_AUTH_DEV_BYPASS: "0",
          },
        },
      },
    },
  },
});
