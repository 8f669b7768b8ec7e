"""The tables the migrations create: engines, keys, TTLs, types, round trips, rollup, views."""

from __future__ import annotations

import os
import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from clickhouse_connect.driver.client import Client

from clickhouse.client import ClickHouseQueryError, PoloClickHouse, connect
from schema.migrate import apply_migrations

NOW = datetime(2026, 3, 14, 9, 26, 53, 589000, tzinfo=UTC)
DAY = date(2026, 3, 14)


@pytest.fixture
def db(ch_client: Client, ch_database: str) -> Iterator[PoloClickHouse]:
    """The test database, migrated, through `connect()` as every component reaches it."""
    url = os.environ.get("POLO_CLICKHOUSE_URL") or f"chdb://{ch_client.path}"
    with connect(url, database=ch_database) as polo:
        apply_migrations(polo)
        yield polo


def rows(
    db: PoloClickHouse, sql: str, parameters: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    return list(db.query("test", sql, parameters).named_results())


# table -> (engine, sorting key, partition key, TTL clause or None)
EXPECTED_TABLES = {
    "resource_events": (
        "ReplacingMergeTree(ingested_at)",
        "account_id, resource_id, event_time, event_type, source",
        "toYYYYMM(event_time)",
        "TTL toDateTime(event_time) + toIntervalDay(400) WHERE event_type = 'observed'",
    ),
    "cost_daily": (
        "ReplacingMergeTree(collected_at)",
        "charge_period_start, account_id, service_name, usage_type, resource_id",
        "toYYYYMM(charge_period_start)",
        None,
    ),
    "lifecycle_events": (
        "ReplacingMergeTree(ingested_at)",
        "account_id, resource_id, event_time, event_id",
        "toYYYYMM(event_time)",
        None,
    ),
    "resource_relationships": (
        "ReplacingMergeTree(ingested_at)",
        "account_id, source_id, relationship_type, target_id, valid_from",
        "",
        None,
    ),
    "resource_snapshots": (
        "ReplacingMergeTree(version)",
        "snapshot_date, account_id, resource_id",
        "toYYYYMM(snapshot_date)",
        None,
    ),
    "resource_ancestry": (
        "ReplacingMergeTree(version)",
        "snapshot_date, hierarchy, ancestor_id, descendant_id",
        "toYYYYMM(snapshot_date)",
        None,
    ),
    "cost_attributed_daily": (
        "MergeTree",
        "charge_date, marqo_customer, marqo_cluster, marqo_role, resource_id",
        "charge_date",
        None,
    ),
    "cost_by_owner_daily": (
        "SummingMergeTree",
        "charge_date, marqo_customer, marqo_cluster, marqo_role, account_id",
        "charge_date",
        None,
    ),
    "cost_allocations": (
        "MergeTree",
        "charge_date, allocation_rule, to_customer, to_cluster, to_role, resource_id",
        "charge_date",
        None,
    ),
    "cost_delta_blocks": (
        "SummingMergeTree((cost_micro, quantity_micro, cost_rows))",
        "block_start, level, marqo_customer, marqo_cluster, marqo_role, account_id, region, "
        "resource_hash, usage_hash, place_hash",
        "intDiv(toUInt16(block_start), 16)",
        None,
    ),
    "cost_delta_weeks": (
        "MergeTree",
        "compare_start, marqo_customer, marqo_cluster, marqo_role, account_id, region, "
        "resource_hash, usage_hash",
        "compare_start",
        None,
    ),
    "cost_delta_months": (
        "MergeTree",
        "compare_start, marqo_customer, marqo_cluster, marqo_role, account_id, region, "
        "resource_hash, usage_hash",
        "compare_start",
        None,
    ),
    "cost_delta_mtd": (
        "MergeTree",
        "compare_start, compare_days, marqo_customer, marqo_cluster, marqo_role, account_id, "
        "region, resource_hash, usage_hash",
        "(compare_start, compare_days)",
        None,
    ),
    "cost_delta_roots": (
        "MergeTree",
        "pairs, compare_start, compare_days, hierarchy, child, charge",
        "(pairs, compare_start, compare_days)",
        None,
    ),
    "cost_delta_pair_resources": (
        "MergeTree",
        "pairs, compare_start, compare_days, rank, resource_key",
        "(pairs, compare_start, compare_days)",
        None,
    ),
    "cost_delta_pair_moves": (
        "MergeTree",
        "pairs, compare_start, compare_days, resource_hash, usage_hash",
        "(pairs, compare_start, compare_days)",
        None,
    ),
    "collector_runs": (
        "ReplacingMergeTree(finished_at)",
        "collector, account_id, region, started_at, run_id",
        "toYYYYMM(started_at)",
        "TTL toDateTime(started_at) + toIntervalDay(400)",
    ),
}


def test_engines_ordering_keys_partitions_and_ttls(db: PoloClickHouse) -> None:
    found = {
        r["name"]: r
        for r in rows(
            db,
            "SELECT name, engine_full, sorting_key, partition_key FROM system.tables "
            "WHERE database = currentDatabase()",
        )
    }
    for table, (engine, sorting_key, partition_key, ttl) in EXPECTED_TABLES.items():
        info = found[table]
        assert info["engine_full"].startswith(engine + " "), table
        assert info["sorting_key"] == sorting_key, table
        assert info["partition_key"] == partition_key, table
        if ttl:
            assert ttl in info["engine_full"], table
        else:
            assert " TTL " not in info["engine_full"], table
    views = rows(
        db,
        "SELECT name, engine FROM system.tables "
        "WHERE database = currentDatabase() AND engine LIKE '%View'",
    )
    assert {(v["name"], v["engine"]) for v in views} == {
        ("cost_by_owner_daily_mv", "MaterializedView"),
        ("resource_latest", "View"),
        ("data_freshness", "View"),
        ("cost_delta_weeks_source", "View"),
        ("cost_delta_months_source", "View"),
        ("cost_delta_mtd_source", "View"),
        ("cost_delta_roots_source", "View"),
        ("cost_delta_pair_resources_source", "View"),
        ("cost_delta_pair_moves_source", "View"),
        ("cost_delta_blocks_source", "View"),
    }


FOCUS_TABLES = frozenset({"cost_focus_line_items", "cost_focus_staging", "focus_export_loads"})


def test_money_is_decimal_times_are_utc_and_nothing_is_float(db: PoloClickHouse) -> None:
    columns = rows(
        db,
        "SELECT table, name, type FROM system.columns WHERE database = currentDatabase()",
    )
    types = {(c["table"], c["name"]): c["type"] for c in columns}
    assert not [c for c in columns if "Float" in c["type"]]
    for (table, name), kind in types.items():
        if table in FOCUS_TABLES and name in ("billed_cost", "effective_cost"):
            # FOCUS line items keep the export's precision; cost_daily rounds their daily sums.
            assert kind == "Decimal(38, 10)", (table, name)
        elif name in ("billed_cost", "effective_cost"):
            assert kind == "Decimal(18, 6)", (table, name)
        if name == "consumed_quantity":
            expected = "Decimal(38, 10)" if table in FOCUS_TABLES else "Decimal(24, 6)"
            assert kind == expected, (table, name)
        if name.endswith(("_time", "_at", "valid_from", "valid_to")) and table != "data_freshness":
            assert kind == "DateTime64(3, 'UTC')", (table, name)
        if name in ("tags", "attributes"):
            assert kind == "Map(String, String)", (table, name)
        if name.startswith("marqo_"):
            assert kind == "LowCardinality(String)", (table, name)
    assert types[("resource_ancestry", "hierarchy")] == "Enum8('physical' = 1, 'logical' = 2)"


OWNER = {
    "marqo_customer": "acme",
    "marqo_cluster": "search-prod",
    "marqo_role": "indexer",
    "marqo_environment": "prod",
}

REPRESENTATIVE_ROWS: dict[str, dict[str, Any]] = {
    "resource_events": {
        "event_time": NOW,
        "ingested_at": NOW + timedelta(seconds=3),
        "event_type": "observed",
        "account_id": "123456789012",
        "region": "us-east-1",
        "resource_type": "ec2:instance",
        "resource_id": "i-0abc",
        "arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
        "state": "running",
        "tags": {"Customer": "acme", "Name": "it's; tricky"},
        **OWNER,
        "owner_rule": "tag:Customer",
        "attributes": {"instance_type": "r6g.2xlarge", "az": "us-east-1a"},
        "source": "inventory",
        "collector_run_id": "run-1",
    },
    "cost_daily": {
        "charge_period_start": DAY,
        "account_id": "123456789012",
        "region": "us-east-1",
        "service_name": "Amazon Elastic Compute Cloud - Compute",
        "usage_type": "USE1-BoxUsage:r6g.2xlarge",
        "resource_id": "i-0abc",
        "billed_cost": Decimal("999999999999.999999"),
        "effective_cost": Decimal("0.000001"),
        "consumed_quantity": Decimal("123456789012345678.000001"),
        "pricing_unit": "Hrs",
        "is_provisional": 1,
        "collected_at": NOW,
    },
    "lifecycle_events": {
        "event_id": "5f0b0e4c-0000-4a5b-9c1d-000000000001",
        "event_time": NOW,
        "ingested_at": NOW,
        "account_id": "123456789012",
        "region": "us-east-1",
        "event_source": "ec2.amazonaws.com",
        "event_name": "RunInstances",
        "action": "create",
        "resource_type": "ec2:instance",
        "resource_id": "i-0abc",
        "actor_arn": "arn:aws:iam::123456789012:role/deployer",
        "actor_type": "AssumedRole",
        "source_ip": "203.0.113.7",
        "user_agent": "terraform/1.9",
        "request_id": "req-1",
    },
    "resource_relationships": {
        "account_id": "123456789012",
        "region": "us-east-1",
        "relationship_type": "attached_to",
        "source_id": "vol-0def",
        "source_type": "ec2:volume",
        "target_id": "i-0abc",
        "target_type": "ec2:instance",
        "valid_from": NOW,
        "valid_to": datetime(2299, 12, 31, tzinfo=UTC),
        "ingested_at": NOW,
    },
    "resource_snapshots": {
        "snapshot_date": DAY,
        "account_id": "123456789012",
        "region": "us-east-1",
        "resource_type": "ec2:volume",
        "resource_id": "vol-0def",
        "arn": "arn:aws:ec2:us-east-1:123456789012:volume/vol-0def",
        "state": "in-use",
        "tags": {},
        **OWNER,
        "owner_rule": "inherited:attached_to:i-0abc",
        "is_idle": 0,
        "idle_reason": "",
        "physical_parent_id": "i-0abc",
        "version": 1_773_480_413_589,
    },
    "resource_ancestry": {
        "snapshot_date": DAY,
        "hierarchy": "logical",
        "ancestor_id": "customer:acme",
        "ancestor_type": "customer",
        "descendant_id": "vol-0def",
        "descendant_type": "ec2:volume",
        "depth": 3,
        "version": 1,
    },
    "cost_attributed_daily": {
        "charge_date": DAY,
        "account_id": "123456789012",
        "region": "us-east-1",
        "service_name": "Amazon Elastic Compute Cloud - Compute",
        "usage_type": "USE1-EBS:VolumeUsage.gp3",
        "resource_id": "vol-0def",
        "resource_type": "ec2:volume",
        **OWNER,
        "owner_rule": "inherited:attached_to:i-0abc",
        "is_idle": 0,
        "billed_cost": Decimal("0.266667"),
        "effective_cost": Decimal("0.250001"),
        "consumed_quantity": Decimal("3.333333"),
        "pricing_unit": "GB-Mo",
    },
    "cost_delta_blocks": {
        "block_start": DAY,
        "level": 4,
        "account_id": "123456789012",
        "region": "us-east-1",
        **{k: v for k, v in OWNER.items() if k != "marqo_environment"},
        "resource_hash": 18_446_744_073_709_551_615,
        "usage_hash": 1,
        "resource_key": "vol-0def",
        "resource_type": "ec2:volume",
        "cost_micro": 9_223_372_036_854_775_807,
        "quantity_micro": -(10**30),
        "cost_rows": 16,
        "place_hash": 18_446_744_073_709_551_615,
        "physical_path": ["vpc-0abc", "subnet-0abc", "i-0abc"],
        "physical_types": ["ec2:vpc", "ec2:subnet", "ec2:instance"],
        "last_day": DAY,
    },
    "cost_delta_weeks": {
        "compare_start": DAY,
        "account_id": "123456789012",
        "region": "us-east-1",
        **{k: v for k, v in OWNER.items() if k != "marqo_environment"},
        "resource_hash": 18_446_744_073_709_551_615,
        "usage_hash": 1,
        "resource_key": "vol-0def",
        "resource_type": "ec2:volume",
        "cost_a": -9_223_372_036_854_775_808,
        "quantity_a": 10**30,
        "rows_a": 7,
        "cost_b": 9_223_372_036_854_775_807,
        "quantity_b": -(10**30),
        "rows_b": 0,
        "resource_in_a": 1,
        "resource_in_b": 0,
        "split_resource": 1,
    },
    "cost_delta_months": {
        "compare_start": DAY.replace(day=1),
        "account_id": "123456789012",
        "region": "us-east-1",
        **{k: v for k, v in OWNER.items() if k != "marqo_environment"},
        "resource_hash": 18_446_744_073_709_551_615,
        "usage_hash": 1,
        "resource_key": "vol-0def",
        "resource_type": "ec2:volume",
        "cost_a": -9_223_372_036_854_775_808,
        "quantity_a": 10**30,
        "rows_a": 31,
        "cost_b": 9_223_372_036_854_775_807,
        "quantity_b": -(10**30),
        "rows_b": 0,
        "resource_in_a": 1,
        "resource_in_b": 0,
        "split_resource": 1,
    },
    "cost_delta_mtd": {
        "compare_start": DAY.replace(day=1),
        "compare_days": 31,
        "account_id": "123456789012",
        "region": "us-east-1",
        **{k: v for k, v in OWNER.items() if k != "marqo_environment"},
        "physical_path": ["vpc-1", "subnet-1"],
        "physical_types": ["ec2:vpc", "ec2:subnet"],
        "resource_hash": 18_446_744_073_709_551_615,
        "usage_hash": 1,
        "resource_key": "vol-0def",
        "resource_type": "ec2:volume",
        "cost_a": -9_223_372_036_854_775_808,
        "quantity_a": 10**30,
        "rows_a": 28,
        "cost_b": 9_223_372_036_854_775_807,
        "quantity_b": -(10**30),
        "rows_b": 0,
        "resource_in_a": 1,
        "resource_in_b": 0,
        "split_resource": 1,
    },
    "cost_delta_roots": {
        "pairs": "mtd",
        "compare_start": DAY.replace(day=1),
        "compare_days": 31,
        "hierarchy": "logical",
        "child": "acme",
        "cost_a": -9_223_372_036_854_775_808,
        "cost_b": 9_223_372_036_854_775_807,
        "created_b": 1,
        "removed_a": -1,
        "moved_in_b": 2,
        "moved_out_a": -2,
        "rate_raw": -(10**70),
        "rate_daily": 10**70,
        "resource_count": 18_446_744_073_709_551_615,
        "flagged": 3,
    },
    "cost_delta_pair_resources": {
        "pairs": "week",
        "compare_start": DAY,
        "compare_days": 0,
        "rank": -9_223_372_036_854_775_807,
        "resource_key": "vol-0def",
        "resource_hash": 18_446_744_073_709_551_615,
        "resource_type": "ec2:volume",
        "account_id": "123456789012",
        "region": "us-east-1",
        **{k: v for k, v in OWNER.items() if k != "marqo_environment"},
        "physical_path": ["vpc-1", "subnet-1"],
        "moved": 1,
        "component": "continuing",
        "cost_a": -9_223_372_036_854_775_808,
        "cost_b": 9_223_372_036_854_775_807,
        "rate_micro": -(10**70),
        "flagged": 1,
    },
    "cost_delta_pair_moves": {
        "pairs": "mtd",
        "compare_start": DAY.replace(day=1),
        "compare_days": 31,
        "resource_hash": 18_446_744_073_709_551_615,
        "usage_hash": 1,
        "resource_key": "vol-0def",
        "resource_type": "ec2:volume",
        "account_id": "123456789012",
        "region": "us-east-1",
        **{k: v for k, v in OWNER.items() if k != "marqo_environment"},
        "physical_path": ["vpc-1", "subnet-1"],
        "last_day": DAY,
        "cost_a": -9_223_372_036_854_775_808,
        "quantity_a": 10**30,
        "rows_a": 28,
        "cost_b": 9_223_372_036_854_775_807,
        "quantity_b": -(10**30),
        "rows_b": 0,
    },
    "cost_allocations": {
        "charge_date": DAY,
        "allocation_rule": "shared-nat",
        "rule_effective_from": date(2026, 1, 1),
        "method": "fixed",
        "account_id": "123456789012",
        "region": "us-east-1",
        "service_name": "Amazon Elastic Compute Cloud - Compute",
        "usage_type": "NatGateway-Hours",
        "resource_id": "nat-0abc",
        "from_customer": "platform",
        "from_cluster": "",
        "from_role": "",
        "from_owner_rule": "tag:Customer",
        "to_customer": "acme",
        "to_cluster": "search-prod",
        "to_role": "indexer",
        "source_billed_cost": Decimal("1.080000"),
        "source_effective_cost": Decimal("1.080000"),
        "billed_cost": Decimal("0.360001"),
        "effective_cost": Decimal("0.360001"),
        "consumed_quantity": Decimal("8.000000"),
    },
    "collector_runs": {
        "run_id": "run-1",
        "collector": "inventory",
        "account_id": "123456789012",
        "region": "us-east-1",
        "started_at": NOW,
        "finished_at": NOW + timedelta(seconds=42),
        "rows_written": 1234,
        "api_calls": 17,
        "status": "ok",
        "error": "",
    },
}


@pytest.mark.parametrize("table", sorted(REPRESENTATIVE_ROWS))
def test_representative_row_round_trips_exactly(db: PoloClickHouse, table: str) -> None:
    row = REPRESENTATIVE_ROWS[table]
    assert db.insert_rows(table, [row]) == 1
    (back,) = rows(db, f"SELECT {', '.join(row)} FROM {table}")
    assert back == row
    for name, value in row.items():
        if isinstance(value, Decimal):
            # Same digits, not just an equal number: no float ever touched it.
            assert back[name].normalize() == value.normalize() and isinstance(back[name], Decimal)


def test_bad_event_type_and_action_are_rejected(db: PoloClickHouse) -> None:
    with pytest.raises(ClickHouseQueryError, match="insert:resource_events.*event_type_known"):
        db.insert_rows(
            "resource_events", [{**REPRESENTATIVE_ROWS["resource_events"], "event_type": "seen"}]
        )
    with pytest.raises(ClickHouseQueryError, match="action_known"):
        db.insert_rows(
            "lifecycle_events", [{**REPRESENTATIVE_ROWS["lifecycle_events"], "action": "launch"}]
        )
    assert rows(db, "SELECT count() AS n FROM resource_events") == [{"n": 0}]


def test_recollected_cost_day_replaces_the_old_rows(db: PoloClickHouse) -> None:
    first = REPRESENTATIVE_ROWS["cost_daily"]
    settled = {
        **first,
        "billed_cost": Decimal("12.345678"),
        "is_provisional": 0,
        "collected_at": NOW + timedelta(days=3),
    }
    db.insert_rows("cost_daily", [first])
    db.insert_rows("cost_daily", [settled])
    final = rows(db, "SELECT billed_cost, is_provisional FROM cost_daily FINAL")
    assert final == [{"billed_cost": Decimal("12.345678"), "is_provisional": 0}]


def test_observed_events_expire_and_change_events_stay(db: PoloClickHouse) -> None:
    old = datetime(2020, 1, 1, tzinfo=UTC)
    base = REPRESENTATIVE_ROWS["resource_events"]
    db.insert_rows(
        "resource_events",
        [
            {**base, "event_time": old, "event_type": "observed"},
            {**base, "event_time": old, "event_type": "created"},
            {**base, "event_time": datetime.now(UTC), "event_type": "observed"},
        ],
    )
    db.command("test", "OPTIMIZE TABLE resource_events FINAL")
    kept = rows(
        db, "SELECT event_type, toYear(event_time) AS year FROM resource_events ORDER BY year"
    )
    assert kept == [
        {"event_type": "created", "year": 2020},
        {"event_type": "observed", "year": datetime.now(UTC).year},
    ]


def _attributed_rows(rng: random.Random, day: date, count: int) -> list[dict[str, Any]]:
    base = REPRESENTATIVE_ROWS["cost_attributed_daily"]
    return [
        {
            **base,
            "charge_date": day,
            "account_id": rng.choice(["111111111111", "222222222222"]),
            "resource_id": f"vol-{i:05d}",
            "marqo_customer": (customer := rng.choice(["acme", "globex", "unattributed"])),
            "marqo_cluster": "" if customer == "unattributed" else rng.choice(["a", "b"]),
            "marqo_role": "" if customer == "unattributed" else rng.choice(["indexer", "query"]),
            "billed_cost": Decimal(rng.randrange(0, 10**9)) / 10**6,
            "effective_cost": Decimal(rng.randrange(0, 10**9)) / 10**6,
        }
        for i in range(count)
    ]


ROLLUP_KEY = ("charge_date", "account_id", "marqo_customer", "marqo_cluster", "marqo_role")


def _python_rollup(source: list[dict[str, Any]]) -> dict[tuple[Any, ...], tuple[Decimal, Decimal]]:
    sums: dict[tuple[Any, ...], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in source:
        key = tuple(row[k] for k in ROLLUP_KEY)
        sums[key][0] += row["billed_cost"]
        sums[key][1] += row["effective_cost"]
    return {key: (b, e) for key, (b, e) in sums.items()}


def _sql_rollup(db: PoloClickHouse, table: str) -> dict[tuple[Any, ...], tuple[Decimal, Decimal]]:
    key = ", ".join(ROLLUP_KEY)
    result = rows(
        db,
        f"SELECT {key}, sum(billed_cost) AS b, sum(effective_cost) AS e "
        f"FROM {table} GROUP BY {key}",
    )
    return {tuple(r[k] for k in ROLLUP_KEY): (r["b"], r["e"]) for r in result}


def test_rollup_equals_a_direct_aggregation_also_after_a_day_is_rebuilt(db: PoloClickHouse) -> None:
    rng = random.Random(20260314)
    days = [DAY - timedelta(days=n) for n in range(3)]
    source = [row for day in days for row in _attributed_rows(rng, day, 400)]
    # Small batches: the view sees many blocks, so the rollup holds many partial sums per key.
    db.insert_rows("cost_attributed_daily", source, batch_size=97)

    expected = _python_rollup(source)
    assert _sql_rollup(db, "cost_attributed_daily") == expected
    assert _sql_rollup(db, "cost_by_owner_daily") == expected

    # Rebuild one day as the attribution engine does: drop its partition in both, re-insert.
    rebuilt_day = days[1]
    for table in ("cost_attributed_daily", "cost_by_owner_daily"):
        db.command("test", f"ALTER TABLE {table} DROP PARTITION {{day:Date}}", {"day": rebuilt_day})
    replacement = _attributed_rows(rng, rebuilt_day, 150)
    db.insert_rows("cost_attributed_daily", replacement, batch_size=40)
    source = [r for r in source if r["charge_date"] != rebuilt_day] + replacement
    assert _sql_rollup(db, "cost_by_owner_daily") == _python_rollup(source)

    # Merging collapses the partial sums into one row per key without changing totals.
    db.command("test", "OPTIMIZE TABLE cost_by_owner_daily FINAL")
    (count,) = rows(db, "SELECT count() AS n FROM cost_by_owner_daily")
    assert count["n"] == len(_python_rollup(source))
    assert _sql_rollup(db, "cost_by_owner_daily") == _python_rollup(source)


def test_resource_latest_is_the_newest_build_of_the_last_day(db: PoloClickHouse) -> None:
    base = REPRESENTATIVE_ROWS["resource_snapshots"]
    db.insert_rows(
        "resource_snapshots",
        [
            {**base, "snapshot_date": DAY - timedelta(days=1), "state": "in-use", "version": 1},
            {**base, "snapshot_date": DAY, "state": "available", "version": 1},
            {**base, "snapshot_date": DAY, "state": "deleted", "version": 2},
            {
                **base,
                "resource_id": "vol-other",
                "snapshot_date": DAY - timedelta(days=5),
                "version": 1,
            },
        ],
    )
    latest = rows(
        db, "SELECT resource_id, snapshot_date, state FROM resource_latest ORDER BY resource_id"
    )
    assert latest == [
        {"resource_id": "vol-0def", "snapshot_date": DAY, "state": "deleted"},
        {"resource_id": "vol-other", "snapshot_date": DAY - timedelta(days=5), "state": "in-use"},
    ]


def test_data_freshness_reports_last_successful_run_per_collector(db: PoloClickHouse) -> None:
    base = REPRESENTATIVE_ROWS["collector_runs"]
    now = datetime.now(UTC).replace(microsecond=0)
    db.insert_rows(
        "collector_runs",
        [
            {
                **base,
                "run_id": "1",
                "started_at": now - timedelta(hours=2),
                "finished_at": now - timedelta(hours=2),
            },
            {
                **base,
                "run_id": "2",
                "started_at": now - timedelta(hours=1),
                "finished_at": now - timedelta(hours=1),
                "status": "error",
                "error": "AccessDenied",
            },
            {
                **base,
                "collector": "cost",
                "run_id": "3",
                "status": "error",
                "error": "Throttled",
                "started_at": now,
                "finished_at": now,
            },
        ],
    )
    fresh = {r["collector"]: r for r in rows(db, "SELECT * FROM data_freshness")}
    assert fresh["inventory"]["last_ok_at"] == now - timedelta(hours=2)
    assert 7200 <= fresh["inventory"]["age_seconds"] < 7200 + 600
    assert fresh["inventory"]["last_status"] == "error"
    assert fresh["inventory"]["last_error"] == "AccessDenied"
    assert fresh["cost"]["last_ok_at"] is None and fresh["cost"]["age_seconds"] is None
