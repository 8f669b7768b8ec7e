"""Split rules through the real pipeline into embedded ClickHouse: what moves, what the rollup
and costs_by_customer show, the provenance, and rebuilding with and without rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from attribution.allocation_rules import NO_RULES, parse_rules
from attribution.pipeline import rebuild
from attribution.queries import run_query
from clickhouse.client import PoloClickHouse
from collectors.common.models import ResourceEvent

ACCT = "111111111111"
START, END = date(2026, 3, 1), date(2026, 3, 4)

RULES = parse_rules(
    """\
version = 1

[[rule]]
id = "shared-nat"
effective_from = 2026-03-02
match = { tags = { Name = "shared-nat" } }
method = "fixed"
to = [{ customer = "acme", percent = 60 }, { customer = "globex", cluster = "prod", percent = 40 }]

[[rule]]
id = "support"
effective_from = 2026-03-02
match = { customer = "unattributed", service = "AWS Support" }
method = "even"
to = [{ customer = "acme" }, { customer = "globex" }]

[[rule]]
id = "shared-nat"
effective_from = 2026-03-03
match = { resource_id = "nat-1" }
method = "proportional"
to = [{ customer = "acme" }, { customer = "globex", cluster = "prod" }]
"""
)


def event(resource_id: str, customer: str, cluster: str, tags: dict[str, str]) -> ResourceEvent:
    when = datetime(2026, 3, 1, 6, tzinfo=UTC)
    return ResourceEvent(
        event_time=when,
        ingested_at=when,
        event_type="observed",
        account_id=ACCT,
        region="eu-west-1",
        resource_type="ec2:instance",
        resource_id=resource_id,
        arn=f"arn:aws:ec2:eu-west-1:{ACCT}:instance/{resource_id}",
        state="running",
        tags=tags,
        marqo_customer=customer,
        marqo_cluster=cluster,
        owner_rule="tag:Customer",
        source="test",
    )


def cost(day: int, service: str, resource_id: str, amount: str) -> dict[str, Any]:
    return {
        "charge_period_start": date(2026, 3, day),
        "account_id": ACCT,
        "region": "eu-west-1",
        "service_name": service,
        "usage_type": "Usage",
        "resource_id": resource_id,
        "billed_cost": Decimal(amount),
        "effective_cost": Decimal(amount),
        "consumed_quantity": Decimal(24),
        "pricing_unit": "Hrs",
        "is_provisional": 0,
    }


def load_fleet(db: PoloClickHouse) -> None:
    db.insert_rows(
        "resource_events",
        [
            event("i-1", "acme", "a1", {"Customer": "acme"}),
            event("i-2", "globex", "prod", {"Customer": "globex"}),
            event("nat-1", "platform", "", {"Customer": "platform", "Name": "shared-nat"}),
        ],
    )
    db.insert_rows(
        "cost_daily",
        [
            row
            for day in (1, 2, 3)
            for row in (
                cost(day, "EC2", "i-1", "10"),
                cost(day, "EC2", "i-2", "30"),
                cost(day, "EC2", "nat-1", "1"),
                cost(day, "AWS Support", "", "0.5"),
            )
        ],
    )


def by_customer(db: PoloClickHouse) -> dict[str, Decimal]:
    rows = run_query(db, "costs_by_customer", {"start": START, "end": END})
    return {r["customer"]: r["effective_cost"] for r in rows}


def direct_and_shared(db: PoloClickHouse) -> dict[str, tuple[Decimal, Decimal]]:
    """docs/allocation.md's query: each customer's cost split into direct and shared."""
    rows = db.query(
        "test",
        "SELECT marqo_customer, "
        "sumIf(effective_cost, NOT startsWith(owner_rule, 'allocation:')) AS direct, "
        "sumIf(effective_cost, startsWith(owner_rule, 'allocation:')) AS shared "
        "FROM cost_attributed_daily WHERE charge_date >= {s:Date} AND charge_date < {e:Date} "
        "GROUP BY marqo_customer",
        {"s": START, "e": END},
    ).result_rows
    return {customer: (direct, shared) for customer, direct, shared in rows}


def daily_totals(db: PoloClickHouse) -> dict[date, Decimal]:
    rows = db.query(
        "test",
        "SELECT charge_date, sum(billed_cost) FROM cost_by_owner_daily GROUP BY charge_date",
    ).result_rows
    return dict(rows)


def test_a_rule_in_the_pipeline_moves_the_shared_cost_from_its_effective_date(
    db: PoloClickHouse,
) -> None:
    load_fleet(db)
    rebuild(db, START, END)
    before = by_customer(db)
    assert before == {
        "globex": Decimal(90),
        "acme": Decimal(30),
        "platform": Decimal(3),
        "unattributed": Decimal("1.5"),
    }
    totals = daily_totals(db)

    rebuild(db, START, END, rules=RULES)
    # Day 1: no rule yet. Day 2: NAT 60/40, support evenly. Day 3: NAT in proportion to the
    # targets' direct cost (acme 10, globex/prod 30), support evenly.
    after = by_customer(db)
    assert after == {
        "globex": Decimal("91.65"),
        "acme": Decimal("31.35"),
        "platform": Decimal(1),
        "unattributed": Decimal("0.5"),
    }
    assert sum(after.values()) == sum(before.values())
    assert daily_totals(db) == totals
    assert direct_and_shared(db) == {
        "acme": (Decimal(30), Decimal("1.35")),
        "globex": (Decimal(90), Decimal("1.65")),
        "platform": (Decimal(1), Decimal(0)),
        "unattributed": (Decimal("0.5"), Decimal(0)),
    }

    provenance = db.query(
        "test",
        "SELECT charge_date, allocation_rule, rule_effective_from, method, resource_id, "
        "service_name, from_customer, to_customer, to_cluster, source_billed_cost, billed_cost "
        "FROM cost_allocations ORDER BY charge_date, allocation_rule, to_customer",
    ).result_rows
    day2, day3 = date(2026, 3, 2), date(2026, 3, 3)
    assert provenance == [
        (
            day2,
            "shared-nat",
            day2,
            "fixed",
            "nat-1",
            "EC2",
            "platform",
            "acme",
            "",
            Decimal(1),
            Decimal("0.6"),
        ),
        (
            day2,
            "shared-nat",
            day2,
            "fixed",
            "nat-1",
            "EC2",
            "platform",
            "globex",
            "prod",
            Decimal(1),
            Decimal("0.4"),
        ),
        (
            day2,
            "support",
            day2,
            "even",
            "",
            "AWS Support",
            "unattributed",
            "acme",
            "",
            Decimal("0.5"),
            Decimal("0.25"),
        ),
        (
            day2,
            "support",
            day2,
            "even",
            "",
            "AWS Support",
            "unattributed",
            "globex",
            "",
            Decimal("0.5"),
            Decimal("0.25"),
        ),
        (
            day3,
            "shared-nat",
            day3,
            "proportional",
            "nat-1",
            "EC2",
            "platform",
            "acme",
            "",
            Decimal(1),
            Decimal("0.25"),
        ),
        (
            day3,
            "shared-nat",
            day3,
            "proportional",
            "nat-1",
            "EC2",
            "platform",
            "globex",
            "prod",
            Decimal(1),
            Decimal("0.75"),
        ),
        (
            day3,
            "support",
            day2,
            "even",
            "",
            "AWS Support",
            "unattributed",
            "acme",
            "",
            Decimal("0.5"),
            Decimal("0.25"),
        ),
        (
            day3,
            "support",
            day2,
            "even",
            "",
            "AWS Support",
            "unattributed",
            "globex",
            "",
            Decimal("0.5"),
            Decimal("0.25"),
        ),
    ]

    # Rebuilding replaces the days: the same numbers again, and without rules the old ones.
    rebuild(db, START, END, rules=RULES)
    assert by_customer(db) == after
    assert db.query("test", "SELECT count() FROM cost_allocations").result_rows == [(8,)]
    rebuild(db, START, END, rules=NO_RULES)
    assert by_customer(db) == before
    assert db.query("test", "SELECT count() FROM cost_allocations").result_rows == [(0,)]


def test_the_delta_reports_a_split_that_starts_as_a_transfer(db: PoloClickHouse) -> None:
    load_fleet(db)
    rebuild(db, START, END, rules=RULES)
    windows = {
        "base_start": date(2026, 3, 1),
        "base_end": date(2026, 3, 2),
        "compare_start": date(2026, 3, 2),
        "compare_end": date(2026, 3, 3),
        "hierarchy": "logical",
        "node_id": "",
    }
    rows = {r["node_id"]: r for r in run_query(db, "delta_nodes", windows)}
    moved = {
        node: (r["delta"], r["transferred_in"], r["transferred_out"]) for node, r in rows.items()
    }
    assert moved == {
        "customer:platform": (Decimal(-1), Decimal(0), Decimal(-1)),
        "customer:unattributed": (Decimal("-0.5"), Decimal(0), Decimal("-0.5")),
        "customer:acme": (Decimal("0.85"), Decimal("0.85"), Decimal(0)),
        "customer:globex": (Decimal("0.65"), Decimal("0.65"), Decimal(0)),
    }
    assert sum(r["delta"] for r in rows.values()) == 0


def test_a_rule_that_ends_leaves_the_days_from_its_end_with_their_owner(
    db: PoloClickHouse,
) -> None:
    load_fleet(db)
    ended = parse_rules(
        """\
version = 1

[[rule]]
id = "support"
effective_from = 2026-03-01
effective_to = 2026-03-03
match = { customer = "unattributed", service = "AWS Support" }
method = "even"
to = [{ customer = "acme" }, { customer = "globex" }]
"""
    )

    rebuild(db, START, END, rules=ended)

    # Days 1 and 2 split the 0.5 support fee; day 3, the end date itself, keeps it unattributed.
    assert by_customer(db) == {
        "globex": Decimal("90.5"),
        "acme": Decimal("30.5"),
        "platform": Decimal(3),
        "unattributed": Decimal("0.5"),
    }
    split_days = db.query(
        "test", "SELECT DISTINCT charge_date FROM cost_allocations ORDER BY charge_date"
    ).result_rows
    assert split_days == [(date(2026, 3, 1),), (date(2026, 3, 2),)]


def test_costs_by_customer_serves_each_customers_direct_and_shared_cost(
    db: PoloClickHouse,
) -> None:
    load_fleet(db)
    rebuild(db, START, END, rules=RULES)

    served = run_query(db, "costs_by_customer", {"start": START, "end": END})

    # Shared = what rules moved to the customer: its rows with owner_rule 'allocation:<id>'.
    assert {
        r["customer"]: (r["direct_effective_cost"], r["shared_effective_cost"]) for r in served
    } == direct_and_shared(db)
    assert all(
        r["direct_effective_cost"] + r["shared_effective_cost"] == r["effective_cost"]
        for r in served
    )
    # Day 1 is before every rule: all of it is direct.
    day1 = run_query(db, "costs_by_customer", {"start": START, "end": date(2026, 3, 2)})
    assert {r["shared_effective_cost"] for r in day1} == {Decimal(0)}
    assert all(r["direct_effective_cost"] == r["effective_cost"] for r in day1)
    # The dashboard's customer section is the same answer.
    summary = run_query(
        db,
        "dashboard_summary",
        {"start": START, "end": END, "previous_start": date(2026, 2, 26), "previous_end": START},
    )
    columns = ("customer", "effective_cost", "direct_effective_cost", "shared_effective_cost")
    assert [tuple(r[c] for c in columns) for r in summary if r["section"] == "customer"] == [
        tuple(r[c] for c in columns) for r in served
    ]


def test_costs_by_account_role_serves_each_roles_direct_and_shared_cost(
    db: PoloClickHouse,
) -> None:
    load_fleet(db)
    rebuild(db, START, END, rules=RULES)

    def served(customer: str) -> dict[tuple[str, str], tuple[Decimal, Decimal, Decimal]]:
        rows = run_query(
            db, "costs_by_account_role", {"start": START, "end": END, "customer": customer}
        )
        return {
            (r["account_id"], r["role"]): (
                r["effective_cost"],
                r["direct_effective_cost"],
                r["shared_effective_cost"],
            )
            for r in rows
        }

    def expected(customer: str) -> dict[tuple[str, str], tuple[Decimal, Decimal, Decimal]]:
        rows = db.query(
            "test",
            "SELECT account_id, marqo_role, sum(effective_cost), "
            "sumIf(effective_cost, NOT startsWith(owner_rule, 'allocation:')), "
            "sumIf(effective_cost, startsWith(owner_rule, 'allocation:')) "
            "FROM cost_attributed_daily WHERE charge_date >= {s:Date} AND charge_date < {e:Date} "
            "AND ({c:String} = '' OR marqo_customer = {c:String}) GROUP BY 1, 2",
            {"s": START, "e": END, "c": customer},
        ).result_rows
        return {(a, role): (total, direct, shared) for a, role, total, direct, shared in rows}

    for customer in ("", "acme", "globex", "platform", "unattributed"):
        assert served(customer) == expected(customer), customer
    # The targets have no role: the shared parts sit in the role-less row, beside the direct cost
    # of owners without a role (the gateway's owner, platform, before the rules' first day).
    everyone = served("")
    assert everyone[(ACCT, "")][2] > 0
    assert sum(shared for _total, _direct, shared in everyone.values()) == Decimal(
        db.query("test", "SELECT sum(effective_cost) FROM cost_allocations").result_rows[0][0]
    )
    assert served("platform")[(ACCT, "")][2] == 0
