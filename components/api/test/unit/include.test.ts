import { describe, expect, it } from "vitest";
import { resolveIncludes } from "../../src/queries/include";
import { LOOKUPS, QUERIES } from "../../src/queries/registry";

const FRAGMENTS = {
  "checks.sql": "-- what it checks\n    SELECT throwIf(a > b, 'a after b')\n",
  "outer.sql": "WITH\n    -- @include checks.sql\n    AS invalid\n",
  "loop_a.sql": "-- @include loop_b.sql\n",
  "loop_b.sql": "x\n-- @include loop_a.sql\n",
};

describe("-- @include", () => {
  it("replaces an include line with the fragment, which keeps its own indentation", () => {
    expect(resolveIncludes("SELECT 1\n        -- @include checks.sql\nFROM t", FRAGMENTS)).toBe(
      "SELECT 1\n-- what it checks\n    SELECT throwIf(a > b, 'a after b')\nFROM t",
    );
  });

  it("resolves a fragment's own includes", () => {
    expect(resolveIncludes("-- @include outer.sql\nSELECT invalid", FRAGMENTS)).toBe(
      "WITH\n-- what it checks\n    SELECT throwIf(a > b, 'a after b')\n    AS invalid\nSELECT invalid",
    );
  });

  it("leaves other comments and text that mention an include alone", () => {
    const text = "-- see @include below\nSELECT '-- @include checks.sql'\n-- @include checks.sql trailing";
    expect(resolveIncludes(text, FRAGMENTS)).toBe(text);
  });

  it("refuses an unknown fragment, naming it", () => {
    expect(() => resolveIncludes("SELECT 1\n-- @include missing.sql", FRAGMENTS)).toThrow("@include missing.sql: no such fragment");
    expect(() => resolveIncludes("-- @include constructor.sql", FRAGMENTS)).toThrow("no such fragment");
  });

  it("refuses a fragment that includes itself, showing the chain", () => {
    expect(() => resolveIncludes("-- @include loop_a.sql", FRAGMENTS)).toThrow("cycle: loop_a.sql -> loop_b.sql -> loop_a.sql");
  });

  it("leaves no include line in any SQL the registry sends", () => {
    const texts = [
      ...Object.values(QUERIES).flatMap((spec) => [spec.sql, ...Object.values(spec.files?.sql ?? {})]),
      ...Object.values(LOOKUPS).map((lookup) => lookup.sql),
    ];
    for (const text of texts) expect(text).not.toMatch(/@include/);
    // The delta files do use fragments: the decomposition's columns are spelled out once.
    expect(QUERIES.delta_nodes.files?.sql.delta_nodes_week).toContain("AS flagged_resources");
  });
});
