from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.allocation_rules import AllocationRule, AllocationRules, Match, Method, Target
from attribution.cost_allocator import (
    CostRow,
    candidate_filter,
    direct_costs,
    find_moves,
    matches,
    split_amount,
    split_moves,
    weights,
)

DAY = date(2026, 3, 1)
MICRO = Decimal("0.000001")


def cost_row(**fields: Any) -> CostRow:
    base: dict[str, Any] = {
        "account_id": "111111111111",
        "region": "eu-west-1",
        "service_name": "EC2",
        "usage_type": "NatGateway-Hours",
        "resource_id": "nat-1",
        "resource_type": "ec2:natgateway",
        "marqo_customer": "platform",
        "marqo_cluster": "",
        "marqo_role": "",
        "marqo_environment": "prod",
        "owner_rule": "tag:Customer",
        "is_idle": 0,
        "billed_cost": Decimal("1.000000"),
        "effective_cost": Decimal("1.000000"),
        "consumed_quantity": Decimal("24.000000"),
        "pricing_unit": "Hrs",
        "tags": {},
    }
    return CostRow(**{**base, **fields})


def a_rule(**fields: Any) -> AllocationRule:
    base: dict[str, Any] = {
        "id": "shared-nat",
        "effective_from": DAY,
        "match": Match(resource_id=["nat-1"]),
        "method": Method.EVEN,
        "to": [Target(customer="acme"), Target(customer="globex")],
    }
    return AllocationRule(**{**base, **fields})


def test_split_amount_gives_the_remainder_to_the_largest_fractions_then_the_earlier() -> None:
    assert split_amount(Decimal("1.000000"), [Decimal(1)] * 3) == [
        Decimal("0.333334"),
        Decimal("0.333333"),
        Decimal("0.333333"),
    ]
    assert split_amount(Decimal("0.000002"), [Decimal(1)] * 3) == [
        Decimal("0.000001"),
        Decimal("0.000001"),
        Decimal("0"),
    ]
    # 0.000010 at 1:2:7 -> 0.000001, 0.000002, 0.000007 exactly: no remainder to give.
    assert split_amount(Decimal("0.00001"), [Decimal(1), Decimal(2), Decimal(7)]) == [
        Decimal("0.000001"),
        Decimal("0.000002"),
        Decimal("0.000007"),
    ]
    # 0.000010 at 33.3/66.7: exact 3.33 and 6.67 micro -> 3 and 7 (0.67 > 0.33).
    assert split_amount(Decimal("0.00001"), [Decimal("33.3"), Decimal("66.7")]) == [
        Decimal("0.000003"),
        Decimal("0.000007"),
    ]


def test_a_credit_splits_like_its_absolute_value() -> None:
    assert split_amount(Decimal("-1"), [Decimal(1)] * 3) == [
        Decimal("-0.333334"),
        Decimal("-0.333333"),
        Decimal("-0.333333"),
    ]


@pytest.mark.parametrize(
    ("amount", "shares", "message"),
    [
        (Decimal("0.0000001"), [Decimal(1)], "more than 6 decimal places"),
        (Decimal(1), [Decimal(0), Decimal(0)], "not all 0"),
        (Decimal(1), [Decimal(2), Decimal(-1)], "must be >= 0"),
    ],
)
def test_split_amount_refuses_what_it_cannot_split_exactly(
    amount: Decimal, shares: list[Decimal], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        split_amount(amount, shares)


def test_every_criterion_given_must_hold_and_values_are_alternatives() -> None:
    row = cost_row(tags={"Name": "shared-nat", "team": "platform"})
    assert matches(Match(service=["S3", "EC2"], resource_id=["nat-1"]), row)
    assert not matches(Match(service=["S3"], resource_id=["nat-1"]), row)
    assert matches(Match(tags={"Name": "shared-nat", "team": "platform"}), row)
    assert not matches(Match(tags={"Name": "shared-nat", "team": "search"}), row)
    assert not matches(Match(tags={"owner": ""}), row)
    assert matches(Match(customer=["platform"], account=["111111111111"]), row)
    assert matches(Match(usage_type=["NatGateway-Hours"]), row)


def test_the_first_matching_rule_moves_a_row() -> None:
    first = a_rule(id="first", to=[Target(customer="acme")])
    second = a_rule(id="second")
    (move,) = find_moves([cost_row(), cost_row(resource_id="i-1")], [first, second])
    assert move.rule.id == "first" and move.row.resource_id == "nat-1"


def test_fixed_percentages_and_provenance() -> None:
    rule = a_rule(
        method=Method.FIXED,
        to=[
            Target(customer="acme", percent=Decimal(60)),
            Target(customer="globex", cluster="prod", role="search", percent=Decimal(40)),
        ],
    )
    source = cost_row(billed_cost=Decimal("1.08"), effective_cost=Decimal("0.9"))
    acme, globex = split_moves(find_moves([source], [rule]), {})
    assert (acme.row.billed_cost, globex.row.billed_cost) == (Decimal("0.648"), Decimal("0.432"))
    assert (acme.row.effective_cost, globex.row.effective_cost) == (
        Decimal("0.54"),
        Decimal("0.36"),
    )
    assert (acme.row.consumed_quantity, globex.row.consumed_quantity) == (
        Decimal("14.4"),
        Decimal("9.6"),
    )
    assert globex.row.owner == ("globex", "prod", "search")
    assert globex.row.owner_rule == "allocation:shared-nat"
    assert globex.row.key == source.key and globex.row.marqo_environment == ""
    record = globex.record
    assert (record.allocation_rule, record.rule_effective_from, record.method) == (
        "shared-nat",
        DAY,
        "fixed",
    )
    assert (record.from_customer, record.from_owner_rule) == ("platform", "tag:Customer")
    assert (record.to_customer, record.to_cluster, record.to_role) == ("globex", "prod", "search")
    assert (record.source_billed_cost, record.billed_cost) == (Decimal("1.08"), Decimal("0.432"))


def test_proportional_weighs_targets_by_their_direct_cost_under_them() -> None:
    rule = a_rule(
        method=Method.PROPORTIONAL,
        to=[Target(customer="acme"), Target(customer="globex", cluster="prod")],
    )
    direct = {
        ("acme", "a", "x"): Decimal(2),
        ("acme", "b", ""): Decimal(1),
        ("globex", "prod", "r"): Decimal(1),
        ("globex", "dev", ""): Decimal(100),  # not under globex/prod
    }
    assert weights(rule, direct) == [Decimal(3), Decimal(1)]
    # A target with a net credit weighs 0; with no weight at all, the split is even.
    assert weights(rule, {("acme", "", ""): Decimal(-5), ("globex", "prod", ""): Decimal(1)}) == [
        Decimal(0),
        Decimal(1),
    ]
    assert weights(rule, {}) == [Decimal(1), Decimal(1)]


def test_candidate_filter_binds_every_value() -> None:
    rules = [
        a_rule(match=Match(service=["EC2"], tags={"Name": "nat"})),
        a_rule(id="other", match=Match(account=["1"])),
    ]
    where, parameters = candidate_filter(rules)
    assert where == (
        "(a.service_name IN {r0_service:Array(String)} AND a.tags[{r0_k0:String}] = "
        "{r0_v0:String}) OR (a.account_id IN {r1_account:Array(String)})"
    )
    assert parameters == {
        "r0_service": ["EC2"],
        "r0_k0": "Name",
        "r0_v0": "nat",
        "r1_account": ["1"],
    }


# --- properties over random rule sets and random cost rows -----------------------------------

CUSTOMERS = ["acme", "globex", "initech", "platform", "unattributed"]
CLUSTERS = ["", "prod", "dev"]
SERVICES = ["EC2", "VPC", "Support"]
RESOURCES = ["", "nat-1", "nat-2", "i-1", "i-2", "vol-1"]

money = st.decimals(
    min_value=Decimal("-50"), max_value=Decimal("1000"), places=6, allow_nan=False
).map(lambda d: d.quantize(MICRO))
days = st.integers(min_value=0, max_value=9).map(lambda n: DAY + timedelta(days=n))


@st.composite
def cost_rows(draw: st.DrawFn) -> tuple[date, CostRow]:
    return draw(days), cost_row(
        account_id=draw(st.sampled_from(["1", "2"])),
        service_name=draw(st.sampled_from(SERVICES)),
        usage_type=draw(st.sampled_from(["Hours", "Bytes"])),
        resource_id=draw(st.sampled_from(RESOURCES)),
        marqo_customer=draw(st.sampled_from(CUSTOMERS)),
        marqo_cluster=draw(st.sampled_from(CLUSTERS)),
        billed_cost=draw(money),
        effective_cost=draw(money),
        consumed_quantity=draw(money),
        tags=draw(st.dictionaries(st.sampled_from(["team", "Name"]), st.sampled_from(["a", "b"]))),
    )


@st.composite
def matches_(draw: st.DrawFn) -> Match:
    fields = {
        "account": st.lists(st.sampled_from(["1", "2"]), min_size=1, max_size=2),
        "service": st.lists(st.sampled_from(SERVICES), min_size=1, max_size=2),
        "resource_id": st.lists(st.sampled_from(RESOURCES[1:]), min_size=1, max_size=3),
        "customer": st.lists(st.sampled_from(CUSTOMERS), min_size=1, max_size=2),
        "tags": st.dictionaries(st.sampled_from(["team", "Name"]), st.just("a"), min_size=1),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3, unique=True))
    return Match(**{name: draw(fields[name]) for name in chosen})


@st.composite
def rules_(draw: st.DrawFn) -> AllocationRule:
    owners = draw(
        st.lists(
            st.tuples(st.sampled_from(CUSTOMERS[:4]), st.sampled_from(CLUSTERS)),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    method = draw(st.sampled_from(list(Method)))
    percents: list[Decimal | None] = [None] * len(owners)
    if method is Method.FIXED:
        cuts = sorted(
            draw(
                st.lists(
                    st.integers(min_value=1, max_value=999),
                    min_size=len(owners) - 1,
                    max_size=len(owners) - 1,
                    unique=True,
                )
            )
        )
        bounds = [0, *cuts, 1000]
        percents = [Decimal(b - a) / 10 for a, b in pairwise(bounds)]
    start = draw(days)
    length = draw(st.none() | st.integers(min_value=1, max_value=5))
    return AllocationRule(
        id=draw(st.sampled_from(["r1", "r2", "r3"])),
        effective_from=start,
        effective_to=None if length is None else start + timedelta(days=length),
        match=draw(matches_()),
        method=method,
        to=[
            Target(customer=c, cluster=cl, percent=p)
            for (c, cl), p in zip(owners, percents, strict=True)
        ],
    )


def apply(rows: list[tuple[date, CostRow]], rules: AllocationRules) -> dict[date, list[Any]]:
    """The pipeline's steps on in-memory rows: per day, moves, kept rows, direct costs, parts."""
    by_day: dict[date, list[CostRow]] = defaultdict(list)
    for day, row in rows:
        by_day[day].append(row)
    result = {}
    for day, day_rows in by_day.items():
        in_effect = rules.in_effect(day)
        moves = find_moves(day_rows, in_effect)
        moved = {id(move.row) for move in moves}
        kept = [row for row in day_rows if id(row) not in moved]
        parts = split_moves(moves, direct_costs(kept))
        result[day] = [moves, kept, parts]
    return result


def unique_versions(rules: list[AllocationRule]) -> AllocationRules:
    seen = {}
    for rule in rules:
        seen.setdefault((rule.id, rule.effective_from), rule)
    return AllocationRules(version=1, rule=list(seen.values()))


@settings(max_examples=300, deadline=None)
@given(st.lists(cost_rows(), max_size=40), st.lists(rules_(), max_size=5))
def test_splitting_keeps_every_days_total_and_each_rows_parts_sum_to_it(
    rows: list[tuple[date, CostRow]], rule_list: list[AllocationRule]
) -> None:
    rules = unique_versions(rule_list)
    for day, (moves, kept, parts) in apply(rows, rules).items():
        before = [row for d, row in rows if d == day]
        after = kept + [part.row for part in parts]
        for column in ("billed_cost", "effective_cost", "consumed_quantity"):
            assert sum(getattr(r, column) for r in after) == sum(getattr(r, column) for r in before)
        # split_moves keeps the order: each move's parts, one per target, follow each other.
        offsets = [0]
        for move in moves:
            offsets.append(offsets[-1] + len(move.rule.to))
        assert len(parts) == offsets[-1]
        by_move = [parts[start:end] for start, end in pairwise(offsets)]
        for move, its_parts in zip(moves, by_move, strict=True):
            assert {p.record.allocation_rule for p in its_parts} == {move.rule.id}
            assert [p.row.owner for p in its_parts] == [
                (t.customer, t.cluster, t.role) for t in move.rule.to
            ]
            assert sum(p.row.billed_cost for p in its_parts) == move.row.billed_cost
            assert sum(p.row.effective_cost for p in its_parts) == move.row.effective_cost
            assert sum(p.row.consumed_quantity for p in its_parts) == move.row.consumed_quantity
            assert all(p.row.billed_cost == p.row.billed_cost.quantize(MICRO) for p in its_parts)


@settings(max_examples=200, deadline=None)
@given(st.lists(cost_rows(), max_size=30), st.lists(rules_(), min_size=1, max_size=5))
def test_rules_change_nothing_before_their_effective_date(
    rows: list[tuple[date, CostRow]], rule_list: list[AllocationRule]
) -> None:
    rules = unique_versions(rule_list)
    first = min(rule.effective_from for rule in rules.rule)
    for day, (moves, kept, parts) in apply(rows, rules).items():
        if day < first:
            assert not moves and not parts
            assert kept == [row for d, row in rows if d == day]
        for move in moves:
            assert move.rule.effective_from <= day


@settings(max_examples=200, deadline=None)
@given(st.lists(cost_rows(), max_size=30), st.lists(rules_(), min_size=1, max_size=5))
def test_a_version_moves_nothing_on_or_after_its_end_and_replaced_versions_stay_replaced(
    rows: list[tuple[date, CostRow]], rule_list: list[AllocationRule]
) -> None:
    rules = unique_versions(rule_list)
    for day, (moves, kept, _parts) in apply(rows, rules).items():
        for move in moves:
            assert move.rule.effective_to is None or day < move.rule.effective_to
            # Only the latest version started by that day can move cost, ended or not.
            assert move.rule.effective_from == latest_start(rules, move.rule.id, day)
        # Rows that only ended versions match stay with their owner that day.
        running = [r for r in rules.rule if r.effective_from <= day < (r.effective_to or date.max)]
        running = [r for r in running if r.effective_from == latest_start(rules, r.id, day)]
        assert kept == [
            row
            for d, row in rows
            if d == day and not any(matches(rule.match, row) for rule in running)
        ]


def latest_start(rules: AllocationRules, rule_id: str, day: date) -> date:
    return max(r.effective_from for r in rules.rule if r.id == rule_id and r.effective_from <= day)
