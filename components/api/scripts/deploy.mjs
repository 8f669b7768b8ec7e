#!/usr/bin/env node
/**
 * Deploys the Worker to a wrangler environment, or builds it offline.
 *
 *   node scripts/deploy.mjs --env staging|production [--dry-run]
 *
 * `--dry-run` bundles and validates with `wrangler deploy --dry-run` (no network, no token) into
 * dist/<env>/ and prints the bundle size. A real deploy checks first what would otherwise end in a
 * wrangler stack trace or a broken Worker (no API token, placeholder vars) and explains it in one
 * line. Exit codes: 0 ok, 2 usage or precondition, otherwise wrangler's.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const API_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WRANGLER = join(API_DIR, "node_modules/.bin/wrangler");
/** The web UI's production build, served by the Worker as static assets ([env.*.assets]). */
export const UI_DIST = resolve(API_DIR, "../ui/dist");
const ENVIRONMENTS = ["staging", "production"];
/** Values in wrangler.toml that mark a var as not yet configured for a real deploy. */
const PLACEHOLDER = /REPLACE_WITH|\.invalid\b/;
/** Cloudflare's limit for a Worker script after compression on the paid plan. */
const SIZE_LIMIT_BYTES = 10 * 1024 * 1024;

function fail(message) {
  console.error(`deploy-worker: ${message}`);
  process.exit(2);
}

export function parseArgs(argv) {
  const options = { env: undefined, dryRun: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--dry-run") options.dryRun = true;
    else if (arg === "--env") options.env = argv[++i];
    else if (arg.startsWith("--env=")) options.env = arg.slice("--env=".length);
    else fail(`unknown argument '${arg}'; usage: deploy.mjs --env staging|production [--dry-run]`);
  }
  if (options.env === undefined && options.dryRun) options.env = "staging";
  if (!ENVIRONMENTS.includes(options.env)) {
    fail(`--env must be one of ${ENVIRONMENTS.join(", ")}${options.env ? `, got '${options.env}'` : ""}`);
  }
  return options;
}

/** The `[env.<name>.vars]` entries of wrangler.toml whose value is still a placeholder. */
export function placeholderVars(toml, env) {
  const lines = toml.split("\n");
  const header = `[env.${env}.vars]`;
  const found = [];
  let inside = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith("[")) inside = trimmed === header;
    else if (inside) {
      const match = /^([A-Z0-9_]+)\s*=\s*"(.*)"/.exec(trimmed);
      if (match && PLACEHOLDER.test(match[2])) found.push(match[1]);
    }
  }
  return found;
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function wrangler(args) {
  const result = spawnSync(WRANGLER, args, {
    cwd: API_DIR,
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (result.error) fail(`could not run wrangler (${result.error.message}); run 'npm ci' in ${API_DIR} first`);
  return result.status ?? 1;
}

/**
 * `--assets <dir>` for wrangler: the UI build when there is one. A dry run without it (e.g. the API
 * alone in a test sandbox) gets an empty directory and says so; a real deploy refuses.
 */
function assetsArgs(dryRun) {
  if (existsSync(join(UI_DIST, "index.html"))) return { args: ["--assets", UI_DIST], built: true };
  if (!dryRun) fail(`the web UI is not built (${UI_DIST}/index.html missing): run 'pants package components/ui' or 'npm run build' in components/ui`);
  const empty = mkdtempSync(join(tmpdir(), "polo-no-ui-"));
  return { args: ["--assets", empty], built: false };
}

/** Size of the UI's static assets: every file, and what the first page load fetches. */
export function uiAssetsReport(dir) {
  const files = filesUnder(dir);
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const initial = [...new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]))];
  const initialGzip = initial.reduce((sum, asset) => sum + gzipSync(readFileSync(join(dir, asset))).length, 0);
  return { count: files.length, raw, gzip, initialGzip };
}

function dryRun(env) {
  const outdir = join(API_DIR, "dist", env);
  rmSync(outdir, { recursive: true, force: true });
  const assets = assetsArgs(true);
  const status = wrangler(["deploy", "--dry-run", "--outdir", outdir, "--env", env, ...assets.args]);
  if (!assets.built) rmSync(assets.args[1], { recursive: true, force: true });
  if (status !== 0) return status;
  // wrangler also writes a README.md into the outdir; only modules are uploaded.
  const files = filesUnder(outdir).filter((file) => /\.(m?js|sql|wasm)$/.test(file));
  let raw = 0;
  let gzip = 0;
  const sql = { count: 0, raw: 0 };
  console.log(`\nbundle for env '${env}' in ${relative(process.cwd(), outdir) || "."}:`);
  for (const file of files) {
    const bytes = statSync(file).size;
    raw += bytes;
    gzip += gzipSync(readFileSync(file)).length;
    if (file.endsWith(".sql")) {
      sql.count += 1;
      sql.raw += bytes;
    } else {
      console.log(`  ${relative(outdir, file)}: ${kib(bytes)}`);
    }
  }
  if (sql.count > 0) console.log(`  ${sql.count} SQL text modules (named queries and lookups): ${kib(sql.raw)}`);
  console.log(`bundle size: ${kib(raw)} (gzip ${kib(gzip)}, limit ${kib(SIZE_LIMIT_BYTES)} compressed)`);
  if (assets.built) {
    const ui = uiAssetsReport(UI_DIST);
    console.log(
      `UI static assets (${relative(process.cwd(), UI_DIST) || "."}): ${ui.count} files, ${kib(ui.raw)} (gzip ${kib(ui.gzip)}); ` +
        `initial page load ${kib(ui.initialGzip)} gzip`,
    );
  } else {
    console.log("UI static assets: none (components/ui/dist is not built; deploy-worker builds it)");
  }
  if (gzip > SIZE_LIMIT_BYTES) {
    console.error("deploy-worker: the compressed bundle exceeds Cloudflare's Worker size limit");
    return 1;
  }
  return 0;
}

function deploy(env) {
  if (!process.env.CLOUDFLARE_API_TOKEN) {
    fail(
      "CLOUDFLARE_API_TOKEN is not set: export an API token with the 'Edit Cloudflare Workers' permission " +
        "(and CLOUDFLARE_ACCOUNT_ID), or pass --dry-run to build and check the bundle offline",
    );
  }
  const unconfigured = placeholderVars(readFileSync(join(API_DIR, "wrangler.toml"), "utf8"), env);
  if (unconfigured.length > 0) {
    fail(`wrangler.toml [env.${env}.vars] still has placeholder values for ${unconfigured.join(", ")}; set them before deploying`);
  }
  return wrangler(["deploy", "--env", env, ...assetsArgs(false).args]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = parseArgs(process.argv.slice(2));
  process.exit(options.dryRun ? dryRun(options.env) : deploy(options.env));
}
