"""cost_delta_weeks always equals the two windows' sums of what cost_attributed_daily holds, and
the migrations' backfill (012, rebuilt by 017) builds the same pairs as the refresh."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from attribution.delta_blocks import refresh_days
from attribution.delta_weeks import TABLE, WEEK_DAYS
from attribution.hierarchy_builder import AncestryRow, closure_rows
from clickhouse.client import PoloClickHouse
from schema.migrate import load_migrations

START = date(2026, 2, 25)
DAYS = 30
MOVE_DAY = 12  # i-move belongs to acme in vpc-1 before, to globex in vpc-2 from this day on
NEW_DAY = 20  # i-new has cost from this day on
MOVED = START + timedelta(days=MOVE_DAY)


def _row(day: int, resource_id: str, customer: str, cost: Decimal) -> dict[str, Any]:
    return {
        "charge_date": START + timedelta(days=day),
        "account_id": "111111111111",
        "region": "eu-west-1",
        "service_name": "EC2" if resource_id else "AWS Support",
        "usage_type": "BoxUsage",
        "resource_id": resource_id,
        "resource_type": "ec2:instance" if resource_id else "",
        "marqo_customer": customer,
        "marqo_cluster": "",
        "marqo_role": "",
        "marqo_environment": "",
        "owner_rule": "tag:Customer",
        "is_idle": 0,
        "billed_cost": cost,
        "effective_cost": cost,
        "consumed_quantity": Decimal(24) + day,
        "pricing_unit": "Hrs",
    }


def _fleet() -> list[dict[str, Any]]:
    rows = []
    for day in range(DAYS):
        # A different amount every day, so a day counted twice or missed changes every sum.
        cost = Decimal(2**day % 1009) + Decimal("0.000001") * day
        rows.append(_row(day, "i-move", "acme" if day < MOVE_DAY else "globex", cost))
        rows.append(_row(day, "", "unattributed", cost / 2))
        if day >= NEW_DAY:
            rows.append(_row(day, "i-new", "acme", cost * 3))
    return rows


def _ancestry() -> list[AncestryRow]:
    """i-move's physical path: vpc-1 / subnet-1 before MOVE_DAY, vpc-2 / subnet-2 from then on.
    i-new and the unresourced cost have no closure rows."""
    rows = []
    for day in range(DAYS):
        vpc, subnet = ("vpc-1", "subnet-1") if day < MOVE_DAY else ("vpc-2", "subnet-2")
        path = ("account:111111111111", "region:111111111111/eu-west-1", vpc, subnet, "i-move")
        types = ("account", "region", "ec2:vpc", "ec2:subnet", "ec2:instance")
        rows += closure_rows([(path, types)], START + timedelta(days=day), "physical", 1)
    return rows


def _load(db: PoloClickHouse, rows: list[dict[str, Any]]) -> None:
    db.insert_rows("cost_attributed_daily", rows)
    db.insert_rows("resource_ancestry", _ancestry())
    refresh_days(db, {row["charge_date"] for row in rows})


def _expected(rows: list[dict[str, Any]], compare_start: date) -> dict[tuple, tuple]:
    """(customer, resource key, physical path) -> (cost A, quantity A, rows A, cost B, quantity B,
    rows B, resource had cost in A anywhere, in B anywhere, resource in several places, the
    resource's rows in the pair anywhere), money and quantities in micro-units."""
    a0 = compare_start - timedelta(days=WEEK_DAYS)
    b1 = compare_start + timedelta(days=WEEK_DAYS)
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0] * 6)
    anywhere: dict[str, set[int]] = defaultdict(set)
    places: dict[str, set[tuple]] = defaultdict(set)
    resource_rows: dict[str, int] = defaultdict(int)
    for row in rows:
        if not a0 <= row["charge_date"] < b1:
            continue
        side = 0 if row["charge_date"] < compare_start else 3
        key = row["resource_id"] or "unresourced:111111111111/eu-west-1/AWS Support"
        path: tuple[str, ...] = ()
        if key == "i-move":
            path = ("vpc-1", "subnet-1") if row["charge_date"] < MOVED else ("vpc-2", "subnet-2")
        line = sums[(row["marqo_customer"], key, path)]
        line[side] += int(row["effective_cost"] * 10**6)
        line[side + 1] += int(row["consumed_quantity"] * 10**6)
        line[side + 2] += 1
        anywhere[key].add(side)
        places[key].add((row["marqo_customer"], path))
        resource_rows[key] += 1
    return {
        (customer, key, path): (
            *line,
            int(0 in anywhere[key]),
            int(3 in anywhere[key]),
            int(len(places[key]) > 1),
            resource_rows[key],
        )
        for (customer, key, path), line in sums.items()
    }


def _pairs(db: PoloClickHouse) -> dict[date, dict[tuple, tuple]]:
    found: dict[date, dict[tuple, tuple]] = defaultdict(dict)
    for row in db.query(
        "t",
        f"SELECT compare_start, marqo_customer, resource_key, physical_path, cost_a, quantity_a, "
        f"rows_a, cost_b, quantity_b, rows_b, resource_in_a, resource_in_b, split_resource, "
        f"resource_rows "
        f"FROM {TABLE}",
    ).result_rows:
        found[row[0]][(row[1], row[2], tuple(row[3]))] = tuple(row[4:])
    return dict(found)


def test_each_pair_holds_both_windows_sums_and_where_its_resources_had_cost(
    db: PoloClickHouse,
) -> None:
    rows = _fleet()
    _load(db, rows)
    pairs = _pairs(db)
    # Every pair whose windows hold a day: 6 before the first day to 7 after the last.
    first = START - timedelta(days=WEEK_DAYS - 1)
    assert sorted(pairs) == [first + timedelta(days=i) for i in range(DAYS + 2 * WEEK_DAYS - 1)]
    for compare_start, lines in pairs.items():
        assert lines == _expected(rows, compare_start), compare_start
    # The week i-move changed owner: under acme in A only, under globex in B only, it had cost
    # in both windows (a transfer, not a removal and a creation), its rows are split, and each of
    # its two rows knows that the resource has 14 rows in the pair (7 of them elsewhere).
    moved = pairs[MOVED]
    assert moved[("acme", "i-move", ("vpc-1", "subnet-1"))][2:6] == (WEEK_DAYS, 0, 0, 0)
    assert moved[("acme", "i-move", ("vpc-1", "subnet-1"))][-1] == 2 * WEEK_DAYS
    assert moved[("globex", "i-move", ("vpc-2", "subnet-2"))][5:] == (
        WEEK_DAYS,
        1,
        1,
        1,
        2 * WEEK_DAYS,
    )
    # A week later both windows are after the move: globex and vpc-2 alone, nothing split.
    later = pairs[MOVED + timedelta(days=WEEK_DAYS)]
    assert later[("globex", "i-move", ("vpc-2", "subnet-2"))][-2:] == (0, 2 * WEEK_DAYS)
    # The week i-new started: no cost in A anywhere.
    created = pairs[START + timedelta(days=NEW_DAY)][("acme", "i-new", ())]
    assert created[2] == 0 and created[5] == WEEK_DAYS and created[6:] == (0, 1, 0, WEEK_DAYS)


def test_refreshing_twice_changes_nothing_and_a_dropped_day_is_gone(db: PoloClickHouse) -> None:
    rows = _fleet()
    _load(db, rows)
    before = _pairs(db)
    refresh_days(db, [START + timedelta(days=5)])
    assert _pairs(db) == before

    dropped = START + timedelta(days=NEW_DAY)
    db.command("t", "ALTER TABLE cost_attributed_daily DROP PARTITION {d:Date}", {"d": dropped})
    refresh_days(db, [dropped])
    kept = [row for row in rows if row["charge_date"] != dropped]
    after = _pairs(db)
    for compare_start, lines in after.items():
        assert lines == _expected(kept, compare_start), compare_start
    assert after != before


def test_migration_backfills_the_same_pairs_as_the_refresh(db: PoloClickHouse) -> None:
    rows = _fleet()
    _load(db, rows)
    refreshed = _pairs(db)
    # Migration 017 rebuilds every pair from the blocks (012's backfill, plus resource_rows), as on
    # a database whose pairs predate it, and twice: re-running it counts nothing twice.
    migration = next(m for m in load_migrations() if m.name == "017_pair_resource_rows.sql")
    for _ in range(2):
        for statement in migration.statements:
            db.command("migration_017", statement.text)
        assert _pairs(db) == refreshed
