"""`-- @include <fragment>.sql`: the named queries' one mechanism for sharing SQL text.

ClickHouse has no macros, so the delta files used to repeat their checks, the per-day scaling and
the whole decomposition. A line that is exactly `-- @include name.sql` (any indentation) is
replaced by the text of `include/name.sql` beside the queries, itself resolved the same way; the
fragment keeps its own indentation, and its last newline is dropped. An unknown fragment or a
fragment that includes itself (directly or not) is an error, never a silently empty line: the
directive is a comment, and comment lines are stripped before sending.

The API Worker resolves the same directive in `src/queries/include.ts` when it loads the bundled
text modules; an integration test there checks that both sides send byte-identical SQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable

INCLUDE = re.compile(r"^\s*-- @include (?P<name>[a-z0-9_]+\.sql)\s*$")


class IncludeError(ValueError):
    """An `-- @include` that names no fragment, or a fragment that includes itself."""


def resolve_includes(text: str, fragment: Callable[[str], str | None]) -> str:
    """`text` with every include line replaced by its fragment (`fragment(name)`: the text of
    `include/<name>`, or None when there is no such file)."""
    return _resolve(text, fragment, ())


def _resolve(text: str, fragment: Callable[[str], str | None], chain: tuple[str, ...]) -> str:
    lines = []
    for line in text.split("\n"):
        match = INCLUDE.match(line)
        if match is None:
            lines.append(line)
            continue
        name = match["name"]
        if name in chain:
            raise IncludeError(f"@include cycle: {' -> '.join((*chain, name))}")
        body = fragment(name)
        if body is None:
            raise IncludeError(f"@include {name}: no such fragment")
        lines.append(_resolve(body.removesuffix("\n"), fragment, (*chain, name)))
    return "\n".join(lines)
