/** Bindings the Worker reads; wrangler.toml declares the vars, `wrangler secret put` the secrets. */
export interface Env {
  /** `development` (local wrangler dev only), `staging` or `production`; unset counts as production. */
  POLO_ENV?: string;
  CLICKHOUSE_URL?: string;
  /** Secret. */
  CLICKHOUSE_USER?: string;
  /** Secret. */
  CLICKHOUSE_PASSWORD?: string;
  /** Overrides a database given in the URL path. */
  CLICKHOUSE_DATABASE?: string;
  CLICKHOUSE_TIMEOUT_MS?: string;
  /** Cloudflare Access team, e.g. `polo` or `polo.cloudflareaccess.com`. */
  ACCESS_TEAM_DOMAIN?: string;
  /** Audience (AUD) tag of the Access application. */
  ACCESS_AUD?: string;
  /** `1` lets requests in without a token: only with POLO_ENV=development and a loopback host (auth.ts). */
  POLO_AUTH_DEV_BYPASS?: string;
}
