/**
 * `-- @include <fragment>.sql`: the named queries' one mechanism for sharing SQL text.
 *
 * A line that is exactly `-- @include name.sql` (any indentation) is replaced by the text of
 * `include/name.sql`, itself resolved the same way; the fragment keeps its own indentation and
 * its last newline is dropped. An unknown fragment or a fragment that includes itself is an
 * error when the registry loads, never a silently empty line (the directive is a comment, and
 * comment lines are stripped before sending). The same rule as attribution/sql_include.py; an
 * integration test checks that both sides send byte-identical SQL.
 */
const INCLUDE = /^\s*-- @include ([a-z0-9_]+\.sql)\s*$/;

/** `text` with every include line replaced by its fragment (`fragments`: file name → text). */
export function resolveIncludes(text: string, fragments: Readonly<Record<string, string>>, chain: readonly string[] = []): string {
  return text
    .split("\n")
    .map((line) => {
      const name = INCLUDE.exec(line)?.[1];
      if (name === undefined) return line;
      if (chain.includes(name)) throw new Error(`@include cycle: ${[...chain, name].join(" -> ")}`);
      const body = Object.hasOwn(fragments, name) ? fragments[name] : undefined;
      if (body === undefined) throw new Error(`@include ${name}: no such fragment`);
      return resolveIncludes(body.endsWith("\n") ? body.slice(0, -1) : body, fragments, [...chain, name]);
    })
    .join("\n");
}
