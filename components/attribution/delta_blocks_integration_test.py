"""cost_delta_blocks always equals what cost_attributed_daily holds, and the windows that
delta_nodes tiles with its blocks count every day exactly once, whatever their length and
alignment."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from attribution.cost_attributor import attribute_day
from attribution.delta_blocks import SPAN_DAYS, TABLE, refresh_days, span_start
from attribution.queries import run_query
from clickhouse.client import PoloClickHouse
from schema.migrate import load_migrations

START = date(2026, 2, 25)
DAYS = 40


def _cost_row(day: date, resource_id: str, customer: str, cost: Decimal) -> dict[str, Any]:
    return {
        "charge_date": day,
        "account_id": "111111111111",
        "region": "eu-west-1",
        "service_name": "EC2",
        "usage_type": "BoxUsage",
        "resource_id": resource_id,
        "resource_type": "ec2:instance",
        "marqo_customer": customer,
        "marqo_cluster": "",
        "marqo_role": "",
        "marqo_environment": "",
        "owner_rule": "tag:Customer",
        "is_idle": 0,
        "billed_cost": cost,
        "effective_cost": cost,
        "consumed_quantity": Decimal(24),
        "pricing_unit": "Hrs",
    }


def _cost(day_index: int) -> Decimal:
    # A different amount every day, so a day counted twice or missed changes every total.
    return Decimal(2**day_index % 1009) + Decimal("0.000001") * day_index


def _blocks(db: PoloClickHouse) -> list[tuple]:
    return db.query(
        "t",
        f"SELECT block_start, level, marqo_customer, resource_key, sum(cost_micro), "
        f"sum(quantity_micro), sum(cost_rows) FROM {TABLE} GROUP BY ALL ORDER BY ALL",
    ).result_rows


def _ancestry_row(day: date, ancestor: str, ancestor_type: str, depth: int) -> dict[str, Any]:
    return {
        "snapshot_date": day,
        "hierarchy": "physical",
        "ancestor_id": ancestor,
        "ancestor_type": ancestor_type,
        "descendant_id": "i-1",
        "descendant_type": "ec2:instance",
        "depth": depth,
        "version": 1,
    }


def _placed_fleet(db: PoloClickHouse) -> tuple[list[date], dict[date, tuple[str, ...]]]:
    """i-1 in subnet-a for 5 days, then subnet-b; no snapshot (no closure rows) on the last day."""
    days = [START + timedelta(days=i) for i in range(8)]
    db.insert_rows(
        "cost_attributed_daily", [_cost_row(d, "i-1", "acme", _cost(i)) for i, d in enumerate(days)]
    )
    paths: dict[date, tuple[str, ...]] = {}
    ancestry = []
    for i, day in enumerate(days[:-1]):
        subnet = "subnet-a" if i < 5 else "subnet-b"
        paths[day] = ("vpc-1", subnet)
        ancestry += [
            _ancestry_row(day, "account:111111111111", "account", 4),
            _ancestry_row(day, "region:111111111111/eu-west-1", "region", 3),
            _ancestry_row(day, "vpc-1", "ec2:vpc", 2),
            _ancestry_row(day, subnet, "ec2:subnet", 1),
            _ancestry_row(day, "i-1", "ec2:instance", 0),
        ]
    paths[days[-1]] = ()
    db.insert_rows("resource_ancestry", ancestry)
    return days, paths


def _placed_blocks(db: PoloClickHouse) -> list[tuple]:
    return db.query(
        "t",
        f"SELECT block_start, level, physical_path, physical_types, sum(cost_micro), "
        f"sum(cost_rows) FROM {TABLE} GROUP BY ALL ORDER BY ALL",
    ).result_rows


def test_blocks_keep_a_row_per_physical_path_of_the_days(db: PoloClickHouse) -> None:
    days, paths = _placed_fleet(db)
    refresh_days(db, days)
    epoch = date(1970, 1, 1)
    expected: dict[tuple, list] = {}
    for i, day in enumerate(days):
        number = (day - epoch).days
        for level in range(5):
            block = epoch + timedelta(days=number - number % (1 << level))
            types = ("ec2:vpc", "ec2:subnet") if paths[day] else ()
            key = (block, level, list(paths[day]), list(types))
            total = expected.setdefault(repr(key), [*key, 0, 0])
            total[4] += int(_cost(i) * 10**6)
            total[5] += 1
    # A block holding days on two subnets (or without a snapshot) has a row per path: the
    # resource stays under subnet-a for its first 5 days whatever block a window reads.
    assert [list(row) for row in _placed_blocks(db)] == sorted(expected.values())
    assert {tuple(row[2]) for row in _placed_blocks(db)} == {
        ("vpc-1", "subnet-a"),
        ("vpc-1", "subnet-b"),
        (),
    }


def test_migration_019_rebuilds_the_blocks_the_refresh_writes(db: PoloClickHouse) -> None:
    days, _ = _placed_fleet(db)
    refresh_days(db, days)
    refreshed = _placed_blocks(db)
    migration = next(m for m in load_migrations() if m.name == "019_block_physical_paths.sql")
    # As on a database whose blocks predate 019, and twice: re-running it counts nothing twice.
    db.command(
        "t", f"ALTER TABLE {TABLE} UPDATE physical_path = [] WHERE 1 SETTINGS mutations_sync = 2"
    )
    for _ in range(2):
        for statement in migration.statements:
            db.command("migration_019", statement.text)
        assert _placed_blocks(db) == refreshed


def test_span_start_is_aligned_on_the_day_number() -> None:
    start = span_start(date(2026, 3, 18))
    assert (start - date(1970, 1, 1)).days % SPAN_DAYS == 0
    assert start <= date(2026, 3, 18) < start + timedelta(days=SPAN_DAYS)


def test_blocks_sum_every_level_and_follow_a_dropped_day(db: PoloClickHouse) -> None:
    days = [START + timedelta(days=i) for i in range(DAYS)]
    db.insert_rows(
        "cost_attributed_daily", [_cost_row(d, "i-1", "acme", _cost(i)) for i, d in enumerate(days)]
    )
    refresh_days(db, days)
    totals = db.query(
        "t", f"SELECT level, sum(cost_micro), sum(cost_rows) FROM {TABLE} GROUP BY level"
    ).result_rows
    # Every level covers the whole span(s), so every level sums to the same total.
    expected = sum(_cost(i) for i in range(DAYS)) * 10**6
    assert {(level, Decimal(cost), rows) for level, cost, rows in totals} == {
        (level, expected, DAYS) for level in range(5)
    }
    before = _blocks(db)
    refresh_days(db, days[:3])
    assert _blocks(db) == before

    dropped = days[20]
    db.command(
        "t", "ALTER TABLE cost_attributed_daily DROP PARTITION {d:String}", {"d": str(dropped)}
    )
    refresh_days(db, [dropped])
    kept = db.query("t", f"SELECT level, sum(cost_micro) FROM {TABLE} GROUP BY level").result_rows
    assert {Decimal(cost) for _, cost in kept} == {expected - _cost(20) * 10**6}


def test_attribute_day_refreshes_the_blocks_with_each_cost_row_split_into_its_lines(
    db: PoloClickHouse,
) -> None:
    day = date(2026, 3, 2)
    db.insert_rows(
        "resource_snapshots",
        [
            {
                "snapshot_date": day,
                "account_id": "111111111111",
                "region": "eu-west-1",
                "resource_type": "ec2:instance",
                "resource_id": "i-1",
                "arn": "",
                "state": "running",
                "tags": {},
                "marqo_customer": "acme",
                "marqo_cluster": "",
                "marqo_role": "",
                "marqo_environment": "",
                "owner_rule": "tag:Customer",
                "is_idle": 0,
                "idle_reason": "",
                "physical_parent_id": "",
                "version": 1,
            }
        ],
    )
    db.insert_rows(
        "cost_daily",
        [
            {
                "charge_period_start": day,
                "account_id": "111111111111",
                "region": "eu-west-1",
                "service_name": service,
                "usage_type": "BoxUsage",
                "resource_id": resource_id,
                "billed_cost": Decimal(billed),
                "effective_cost": Decimal(effective),
                "consumed_quantity": Decimal(24),
                "pricing_unit": "Hrs",
                "is_provisional": 0,
            }
            # A Savings Plan took 3 off i-1's 10; tax costs 2 billed and effective.
            for resource_id, service, billed, effective in (
                ("i-1", "EC2", "10", "7"),
                ("", "Tax", "2", "2"),
            )
        ],
    )
    attribute_day(db, day)
    attribute_day(db, day)
    level0 = db.query(
        "t",
        f"SELECT marqo_customer, resource_key, resource_type, "
        f"if(usage_hash < 16, usage_hash, 0) AS charge, cost_micro, quantity_micro, cost_rows, "
        f"resource_hash = bitXor(cityHash64(resource_key), charge) "
        f"FROM {TABLE} WHERE level = 0 ORDER BY resource_key, charge",
    ).result_rows
    # Migration 021: the usage line at its billed cost, the commitment line (effective - billed),
    # and tax as an effective (4) and a billed (12) line; charge lines have no quantity and a
    # resource hash of their own.
    tax = "unresourced:111111111111/eu-west-1/Tax"
    assert level0 == [
        ("acme", "i-1", "ec2:instance", 0, 10_000_000, 24_000_000, 1, True),
        ("acme", "i-1", "ec2:instance", 1, -3_000_000, 0, 1, True),
        ("unattributed", tax, "unresourced", 4, 2_000_000, 0, 1, True),
        ("unattributed", tax, "unresourced", 12, 2_000_000, 0, 1, True),
    ]


def test_windows_of_any_length_and_alignment_count_each_day_once(db: PoloClickHouse) -> None:
    # acme's resource moves to globex for days 17..24: ownership stays per day inside a block.
    rows = [
        _cost_row(START + timedelta(days=i), "i-1", "globex" if 17 <= i < 25 else "acme", _cost(i))
        for i in range(DAYS)
    ]
    db.insert_rows("cost_attributed_daily", rows)
    refresh_days(db, [row["charge_date"] for row in rows])

    def window_sum(first: int, length: int) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = {}
        for row in rows[first : first + length]:
            node = f"customer:{row['marqo_customer']}"
            sums[node] = sums.get(node, Decimal(0)) + row["effective_cost"]
        return sums

    for length in (1, 2, 3, 5, 7, 8, 13, 16, 17):
        for base in range(0, DAYS - 2 * length + 1, 3):
            # Adjacent windows, a gap between them, and a compare window of another length
            # (overlapping windows are refused).
            for compare, compare_length in {
                (base + length, length),
                (base + length + 1, length - 1),
                (base + length, length + 1),
            }:
                if compare_length < 1 or compare + compare_length > DAYS:
                    continue
                result = run_query(
                    db,
                    "delta_nodes",
                    {
                        "base_start": START + timedelta(days=base),
                        "base_end": START + timedelta(days=base + length),
                        "compare_start": START + timedelta(days=compare),
                        "compare_end": START + timedelta(days=compare + compare_length),
                        "hierarchy": "logical",
                        "node_id": "",
                    },
                )
                got_a = {r["node_id"]: r["total_a"] for r in result if r["total_a"]}
                got_b = {r["node_id"]: r["total_b"] for r in result if r["total_b"]}
                assert got_a == window_sum(base, length), (length, base, compare)
                assert got_b == window_sum(compare, compare_length), (length, base, compare)
