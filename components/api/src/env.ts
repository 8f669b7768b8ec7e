/** Bindings the Worker reads; wrangler.toml declares the vars, `wrangler secret put` the secrets. */
export interface Env {
  /** `development`, `staging` or `production`; unset counts as production (fail closed). */
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
  /** `1` lets requests in without a token; refused when POLO_ENV is production or unset. */
  POLO_AUTH_DEV_BYPASS?: string;
}
