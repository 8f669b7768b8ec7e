from __future__ import annotations

from datetime import date

from attribution.hierarchy_builder import build_day
from attribution.snapshot_builder import SnapshotRow
from clickhouse.client import PoloClickHouse

DAY = date(2026, 3, 10)
ACCT = "111111111111"


def snap(rid: str, rtype: str, parent: str, customer: str) -> SnapshotRow:
    return SnapshotRow(
        snapshot_date=DAY,
        account_id=ACCT,
        region="eu-west-1",
        resource_type=rtype,
        resource_id=rid,
        arn="",
        state="running",
        tags={},
        marqo_customer=customer,
        marqo_cluster="k1",
        marqo_role="api",
        marqo_environment="",
        owner_rule="tag:Customer",
        is_idle=0,
        idle_reason="",
        physical_parent_id=parent,
        version=1,
    )


def closure(db: PoloClickHouse) -> list[tuple]:
    return db.query(
        "t",
        "SELECT hierarchy, ancestor_id, descendant_id, depth FROM resource_ancestry FINAL "
        "ORDER BY hierarchy, ancestor_id, descendant_id",
    ).result_rows


def test_build_day_writes_both_closures_and_rebuilds_idempotently(db: PoloClickHouse) -> None:
    db.insert_rows(
        "resource_snapshots",
        [
            snap("i-1", "ec2:instance", f"region:{ACCT}/eu-west-1", "acme"),
            snap("vol-1", "ec2:volume", "i-1", "acme"),
        ],
    )
    first = build_day(db, DAY)
    rows = closure(db)
    assert first == len(rows)
    assert ("physical", f"account:{ACCT}", "vol-1", 3) in rows
    assert ("logical", "customer:acme", "vol-1", 3) in rows
    assert build_day(db, DAY) == first
    assert closure(db) == rows
    total = db.query("t", "SELECT count() FROM resource_ancestry").result_rows[0][0]
    assert total == first
