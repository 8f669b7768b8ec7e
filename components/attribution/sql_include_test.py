from __future__ import annotations

import pytest

from attribution.sql_include import IncludeError, resolve_includes

FRAGMENTS = {
    "checks.sql": "-- what it checks\n    SELECT throwIf(a > b, 'a after b')\n",
    "outer.sql": "WITH\n    -- @include checks.sql\n    AS invalid\n",
    "loop_a.sql": "-- @include loop_b.sql\n",
    "loop_b.sql": "x\n-- @include loop_a.sql\n",
}


def _resolve(text: str) -> str:
    return resolve_includes(text, FRAGMENTS.get)


def test_an_include_line_becomes_the_fragment_with_its_own_indentation() -> None:
    assert _resolve("SELECT 1\n        -- @include checks.sql\nFROM t") == (
        "SELECT 1\n-- what it checks\n    SELECT throwIf(a > b, 'a after b')\nFROM t"
    )


def test_fragments_resolve_their_own_includes() -> None:
    assert _resolve("-- @include outer.sql\nSELECT invalid") == (
        "WITH\n-- what it checks\n    SELECT throwIf(a > b, 'a after b')\n    AS invalid\n"
        "SELECT invalid"
    )


def test_other_comments_and_text_mentioning_include_are_left_alone() -> None:
    text = "-- see @include below\nSELECT '-- @include checks.sql'\n-- @include checks.sql trailing"
    assert _resolve(text) == text


def test_an_unknown_fragment_is_an_error_naming_it() -> None:
    with pytest.raises(IncludeError, match="@include missing.sql: no such fragment"):
        _resolve("SELECT 1\n-- @include missing.sql")


def test_a_fragment_including_itself_is_an_error_showing_the_chain() -> None:
    with pytest.raises(IncludeError, match=r"cycle: loop_a.sql -> loop_b.sql -> loop_a.sql"):
        _resolve("-- @include loop_a.sql")
