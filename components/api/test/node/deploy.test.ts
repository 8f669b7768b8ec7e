import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { placeholderVars } from "../../scripts/deploy.mjs";

const API_DIR = resolve(__dirname, "../..");
// Every .sql file under src/ is bundled as a text module (named queries and lookups).
const SQL_FILES = readdirSync(join(API_DIR, "src"), { recursive: true }).filter((name) =>
  String(name).endsWith(".sql"),
).length;

function deploy(args: string[], env: Record<string, string | undefined> = {}) {
  const childEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  const result = spawnSync(process.execPath, [join(API_DIR, "scripts/deploy.mjs"), ...args], {
    cwd: API_DIR,
    env: childEnv,
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("scripts/deploy.mjs", () => {
  it("explains a missing Cloudflare token in one line, without a stack trace", () => {
    const result = deploy(["--env", "staging"], { CLOUDFLARE_API_TOKEN: undefined });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("CLOUDFLARE_API_TOKEN is not set");
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("refuses to deploy placeholder configuration even with a token", () => {
    const result = deploy(["--env=production"], { CLOUDFLARE_API_TOKEN: "not-a-real-token" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("placeholder values for CLICKHOUSE_URL, ACCESS_TEAM_DOMAIN, ACCESS_AUD");
  });

  it("rejects an unknown environment", () => {
    const result = deploy(["--env", "prod", "--dry-run"]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe("deploy-worker: --env must be one of staging, production, got 'prod'");
  });

  it("builds the bundle offline and reports its size", () => {
    const result = deploy(["--dry-run", "--env", "staging"], { CLOUDFLARE_API_TOKEN: undefined });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/bundle size: [\d.]+ KiB \(gzip [\d.]+ KiB/);
    expect(SQL_FILES).toBeGreaterThan(0);
    expect(result.stdout).toContain(`${SQL_FILES} SQL text modules (named queries and lookups)`);
    expect(existsSync(join(API_DIR, "dist/staging/index.js"))).toBe(true);
  });

  it("finds placeholders only in the requested environment's vars", () => {
    const toml = [
      "[vars]",
      'CLICKHOUSE_URL = "http://127.0.0.1:8123"',
      "[env.staging.vars]",
      'ACCESS_AUD = "REPLACE_WITH_AUD"',
      'CLICKHOUSE_URL = "https://ch.example.com:8443"',
      "[env.production.vars]",
      'ACCESS_TEAM_DOMAIN = "polo.invalid"',
    ].join("\n");
    expect(placeholderVars(toml, "staging")).toEqual(["ACCESS_AUD"]);
    expect(placeholderVars(toml, "production")).toEqual(["ACCESS_TEAM_DOMAIN"]);
  });
});
