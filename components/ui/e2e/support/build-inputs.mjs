/**
 * What a UI build is made from, as one digest: `vite build` writes it into dist/ (BUILD_STAMP),
 * and ensureBuilt (stack.mjs) rebuilds only when the sources' digest differs from the stamp, so a
 * build Pants hands over (or the last local one) is reused while it is current, whatever the files'
 * modification times say (a Pants sandbox sets them all anew).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const BUILD_STAMP = ".build-inputs";
const INPUTS = ["src", "public", "index.html", "vite.config.ts", "tsconfig.json", "package-lock.json"];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

/**
 * sha256 over the relative path and bytes of every input (tests included: cheap to hash, and a
 * changed test never makes a build stale in a way that matters).
 * @param {string} uiDir
 */
export function inputsDigest(uiDir) {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap((input) => files(join(uiDir, input)))) {
    hash.update(relative(uiDir, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}
