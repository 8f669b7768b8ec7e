import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QUERIES, stripCommentLines } from "../../src/queries/registry";
import { python, REPO_ROOT } from "../support/stack.mjs";

/**
 * The Worker (src/queries/include.ts) and the Python loader (attribution/sql_include.py) each
 * resolve `-- @include` lines: they must produce the same SQL, byte for byte, for every file.
 */
const PYTHON_TEXTS = `
import json
from attribution.queries import QUERY_NAMES, load_query, query_files
print(json.dumps({file: load_query(file) for name in QUERY_NAMES for file in query_files(name)}))
`;

describe("-- @include on both sides", () => {
  it("gives byte-identical SQL for every named query file in the Worker and in Python", () => {
    const env = { ...process.env, PYTHONPATH: join(REPO_ROOT, "components") };
    // From the repository root, as the stack's own commands run: Pants gives POLO_PYTHON relative to it.
    const out = execFileSync("sh", ["-c", `${python()} -c "$0"`, PYTHON_TEXTS], { cwd: REPO_ROOT, env, encoding: "utf8" });
    const fromPython = JSON.parse(out) as Record<string, string>;
    const fromWorker: Record<string, string> = Object.fromEntries(
      Object.values(QUERIES).flatMap((spec) => (spec.files ? Object.entries(spec.files.sql) : [[spec.name, spec.sql]])),
    );
    expect(Object.keys(fromWorker).sort()).toEqual(Object.keys(fromPython).sort());
    for (const [file, text] of Object.entries(fromWorker)) {
      expect(text, file).toBe(fromPython[file]);
      expect(stripCommentLines(text), file).toBe(stripCommentLines(fromPython[file] ?? ""));
    }
    expect(fromPython.delta_nodes_week).toContain("AS flagged_resources");
  });
});
