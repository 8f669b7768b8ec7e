from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from attribution.allocation_rules import (
    NO_RULES,
    AllocationRulesError,
    Method,
    load_rules,
    parse_rules,
    resolve_rules,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
version = 1

[[rule]]
id = "shared-nat"
effective_from = 2026-01-01
description = "The shared NAT gateway of the platform VPC"
match = { resource_id = "nat-0abc", service = ["Amazon Virtual Private Cloud", "EC2 - Other"] }
method = "fixed"
to = [
  { customer = "acme", percent = 60 },
  { customer = "globex", cluster = "prod", role = "search", percent = 40 },
]

[[rule]]
id = "support"
effective_from = "2026-01-01"
match = { service = "AWS Support (Business)" }
method = "proportional"
to = [{ customer = "acme" }, { customer = "globex" }]

[[rule]]
id = "shared-nat"
effective_from = 2026-03-01
match = { tags = { Name = "shared-nat" } }
method = "even"
to = [{ customer = "acme" }, { customer = "globex" }, { customer = "initech" }]
"""


def test_a_good_file_parses_with_exact_percentages() -> None:
    rules = parse_rules(GOOD)
    assert [(r.id, r.effective_from, r.method) for r in rules.rule] == [
        ("shared-nat", date(2026, 1, 1), Method.FIXED),
        ("support", date(2026, 1, 1), Method.PROPORTIONAL),
        ("shared-nat", date(2026, 3, 1), Method.EVEN),
    ]
    assert rules.rule[0].to[0].percent == Decimal(60)
    assert rules.rule[0].match.resource_id == ["nat-0abc"]
    assert rules.rule[0].to[1].label() == "globex/prod/search"


def test_fractional_percentages_are_decimals_not_floats() -> None:
    text = GOOD.replace("percent = 60", "percent = 66.7").replace("percent = 40", "percent = 33.3")
    assert [t.percent for t in parse_rules(text).rule[0].to] == [Decimal("66.7"), Decimal("33.3")]


def test_the_version_in_effect_is_the_latest_on_or_before_the_day() -> None:
    rules = parse_rules(GOOD)
    assert rules.in_effect(date(2025, 12, 31)) == []
    jan = rules.in_effect(date(2026, 1, 1))
    assert [(r.id, r.method) for r in jan] == [
        ("shared-nat", Method.FIXED),
        ("support", Method.PROPORTIONAL),
    ]
    # The later version replaces the rule from its own date and keeps the id's place.
    march = rules.in_effect(date(2026, 3, 1))
    assert [(r.id, r.method) for r in march] == [
        ("shared-nat", Method.EVEN),
        ("support", Method.PROPORTIONAL),
    ]


def test_an_ended_rule_moves_nothing_from_its_end_date_on() -> None:
    # The support fee is shared from January to the end of February, then stays with its owner.
    text = GOOD.replace(
        'effective_from = "2026-01-01"\n',
        'effective_from = "2026-01-01"\neffective_to = 2026-03-01\n',
    )
    rules = parse_rules(text)
    assert rules.rule[1].effective_to == date(2026, 3, 1)
    assert [r.id for r in rules.in_effect(date(2026, 2, 28))] == ["shared-nat", "support"]
    assert [r.id for r in rules.in_effect(date(2026, 3, 1))] == ["shared-nat"]
    assert [r.id for r in rules.in_effect(date(2027, 1, 1))] == ["shared-nat"]


def test_ending_the_latest_version_ends_the_rule_and_a_later_version_restarts_it() -> None:
    text = GOOD.replace(
        "effective_from = 2026-03-01\n", "effective_from = 2026-03-01\neffective_to = 2026-04-01\n"
    )
    text += """
[[rule]]
id = "shared-nat"
effective_from = 2026-06-01
match = { tags = { Name = "shared-nat" } }
method = "even"
to = [{ customer = "acme" }, { customer = "globex" }]
"""
    rules = parse_rules(text)

    def nat(day: date) -> list[tuple[date, Method]]:
        return [(r.effective_from, r.method) for r in rules.in_effect(day) if r.id == "shared-nat"]

    assert nat(date(2026, 3, 31)) == [(date(2026, 3, 1), Method.EVEN)]
    # The January version it replaced does not come back when the March version ends.
    assert nat(date(2026, 4, 1)) == nat(date(2026, 5, 31)) == []
    assert nat(date(2026, 6, 1)) == [(date(2026, 6, 1), Method.EVEN)]


def test_no_file_means_no_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_rules(None) is NO_RULES
    (tmp_path / "polo-allocation.toml").write_text(GOOD)
    assert len(resolve_rules(None).rule) == 3
    with pytest.raises(AllocationRulesError, match=r"^elsewhere.toml: cannot read: "):
        resolve_rules(Path("elsewhere.toml"))


def test_the_shipped_example_is_valid() -> None:
    rules = load_rules(REPO_ROOT / "config" / "polo-allocation.example.toml")
    assert rules.rule


def error_of(text: str) -> str:
    with pytest.raises(AllocationRulesError) as raised:
        parse_rules(text, "polo-allocation.toml")
    return str(raised.value)


def rule(body: str, rule_id: str = "shared-nat") -> str:
    return f'version = 1\n\n[[rule]]\nid = "{rule_id}"\n{body}'


FIXED = """\
effective_from = 2026-01-01
match = { resource_id = "nat-0abc" }
method = "fixed"
to = [
  { customer = "acme", percent = 50 },
  { customer = "globex", percent = 50 },
]
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            rule(FIXED.replace("percent = 50 },\n]", "percent = 40 },\n]")),
            'polo-allocation.toml:8: rule "shared-nat": to: percentages sum to 90, must be 100',
        ),
        (
            rule(FIXED.replace('"fixed"', '"weighted"')),
            "polo-allocation.toml:7: rule \"shared-nat\": method: unknown method 'weighted', "
            "expected even, proportional or fixed",
        ),
        (
            rule(FIXED.replace('{ resource_id = "nat-0abc" }', "{}")),
            'polo-allocation.toml:6: rule "shared-nat": match: match needs at least one '
            "criterion (account, service, usage_type, resource_id, customer, tags)",
        ),
        (
            rule(FIXED.replace("2026-01-01", '"2026-02-30"')),
            'polo-allocation.toml:5: rule "shared-nat": effective_from: Input should be a valid '
            "date or datetime, day value is outside expected range",
        ),
        (
            rule(FIXED.replace("2026-01-01\n", "2026-01-01\neffective_to = 2026-01-01\n")),
            'polo-allocation.toml:6: rule "shared-nat": effective_to: 2026-01-01 is not after '
            "effective_from 2026-01-01 (effective_to is the first day the rule no longer applies)",
        ),
        (
            rule(FIXED.replace("2026-01-01\n", '2026-01-01\neffective_to = "2026-04-31"\n')),
            'polo-allocation.toml:6: rule "shared-nat": effective_to: Input should be a valid '
            "date or datetime, day value is outside expected range",
        ),
        (
            rule(FIXED.replace("2026-01-01", "2026-13-01")),
            "polo-allocation.toml:5: not valid TOML: Expected newline or end of document after a "
            "statement: effective_from = 2026-13-01",
        ),
        (
            rule(FIXED + 'colour = "blue"\n'),
            'polo-allocation.toml:12: rule "shared-nat": colour: unknown key',
        ),
        (
            rule(FIXED.replace("resource_id =", "resource =")),
            'polo-allocation.toml:6: rule "shared-nat": match.resource: unknown key',
        ),
        (
            rule(FIXED.replace('method = "fixed"\n', "")),
            'polo-allocation.toml:3: rule "shared-nat": method: required key is missing',
        ),
        (
            rule(FIXED.replace(", percent = 50 },\n]", " },\n]")),
            'polo-allocation.toml:8: rule "shared-nat": to: method fixed needs a percent on '
            "every target",
        ),
        (
            rule(FIXED.replace('"fixed"', '"even"')),
            'polo-allocation.toml:8: rule "shared-nat": to: percent is only for method fixed, '
            "not even",
        ),
        (
            rule(FIXED.replace('"globex"', '"acme"')),
            'polo-allocation.toml:8: rule "shared-nat": to: target acme is listed twice',
        ),
        (
            rule(FIXED.replace('customer = "globex"', 'customer = "globex", role = "x"')),
            'polo-allocation.toml:8: rule "shared-nat": to: a target with a role needs its '
            "cluster too",
        ),
        (
            rule(FIXED, rule_id="shared nat"),
            'polo-allocation.toml:4: rule "shared nat": id: String should match pattern '
            "'^[A-Za-z0-9][A-Za-z0-9_.-]*$'",
        ),
        (
            rule(FIXED).replace("version = 1", "version = 2"),
            "polo-allocation.toml:1: version: unsupported file version 2, expected 1",
        ),
        (
            rule(FIXED) + '\n[[rule]]\nid = "shared-nat"\n' + FIXED,
            'polo-allocation.toml:13: rule "shared-nat": a version effective from 2026-01-01 '
            "is already defined (one version per id and date)",
        ),
    ],
    ids=[
        "percentages-90",
        "unknown-method",
        "no-criterion",
        "bad-date-string",
        "end-not-after-start",
        "bad-end-date",
        "bad-date-literal",
        "unknown-key",
        "unknown-match-key",
        "missing-method",
        "fixed-without-percent",
        "percent-without-fixed",
        "duplicate-target",
        "role-without-cluster",
        "bad-id",
        "unknown-version",
        "duplicate-id-and-date",
    ],
)
def test_every_malformed_file_is_named_by_file_line_and_rule(text: str, expected: str) -> None:
    assert error_of(text) == expected


def test_every_problem_of_a_file_is_reported_on_its_own_line() -> None:
    text = rule(FIXED.replace('"fixed"', '"weighted"') + "colour = 1\n")
    assert error_of(text).splitlines() == [
        "polo-allocation.toml:7: rule \"shared-nat\": method: unknown method 'weighted', "
        "expected even, proportional or fixed",
        'polo-allocation.toml:12: rule "shared-nat": colour: unknown key',
    ]


def test_a_rule_without_an_id_is_named_by_its_position() -> None:
    text = "version = 1\n\n[[rule]]\n" + FIXED
    assert error_of(text) == "polo-allocation.toml:3: rule 1: id: required key is missing"
