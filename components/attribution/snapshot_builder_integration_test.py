from __future__ import annotations

from datetime import UTC, date, datetime

from attribution.snapshot_builder import build_day
from clickhouse.client import PoloClickHouse
from collectors.common.models import ResourceEvent, ResourceRelationship

ACCT = "111111111111"
DAY = date(2026, 3, 10)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def event(rid: str, when: datetime, kind: str = "observed", **kw: object) -> ResourceEvent:
    rtype = kw.pop("resource_type", "ec2:instance")
    fields: dict[str, object] = {
        "event_time": when,
        "ingested_at": when,
        "event_type": kind,
        "account_id": ACCT,
        "region": "eu-west-1",
        "resource_type": rtype,
        "resource_id": rid,
        "arn": f"arn:aws:ec2:eu-west-1:{ACCT}:instance/{rid}",
        "state": "running",
        "source": "test",
    }
    fields.update(kw)
    return ResourceEvent(**fields)


def snapshot(db: PoloClickHouse, day: date) -> dict[str, dict]:
    rows = db.query(
        "t", "SELECT * FROM resource_snapshots FINAL WHERE snapshot_date = {d:Date}", {"d": day}
    ).named_results()
    return {r["resource_id"]: r for r in rows}


def test_build_day_reads_latest_state_tags_and_edges_from_clickhouse(db: PoloClickHouse) -> None:
    db.insert_rows(
        "resource_events",
        [
            event(
                "i-1",
                at(8),
                tags={"Customer": "acme"},
                marqo_customer="acme",
                owner_rule="tag:Customer",
            ),
            event(
                "i-1",
                at(9),
                state="stopped",
                tags={"Customer": "acme"},
                marqo_customer="acme",
                owner_rule="tag:Customer",
            ),
            # A tagging-API event knows tags but not state: the state stays 'stopped'.
            event(
                "i-1",
                at(10, 1),
                kind="tagged",
                state="",
                tags={"Customer": "globex"},
                marqo_customer="globex",
                owner_rule="tag:Customer",
            ),
            event("vol-1", at(9), resource_type="ec2:volume", state="in-use"),
            event("i-old", at(8), state="terminated"),
            event("i-late", at(11)),  # first seen the next day: not in the snapshot
        ],
    )
    db.insert_rows(
        "resource_relationships",
        [
            ResourceRelationship(
                account_id=ACCT,
                region="eu-west-1",
                relationship_type="attached_to",
                source_id="vol-1",
                source_type="ec2:volume",
                target_id="i-1",
                target_type="ec2:instance",
                valid_from=at(1),
                ingested_at=at(1),
            ),
        ],
    )
    assert build_day(db, DAY) == 2
    rows = snapshot(db, DAY)
    assert set(rows) == {"i-1", "vol-1"}
    assert (rows["i-1"]["state"], rows["i-1"]["marqo_customer"]) == ("stopped", "globex")
    assert rows["i-1"]["tags"] == {"Customer": "globex"}
    assert rows["vol-1"]["owner_rule"] == "inherited:attached_to:i-1"
    assert rows["vol-1"]["physical_parent_id"] == "i-1"


def test_rebuilding_a_day_replaces_it(db: PoloClickHouse) -> None:
    db.insert_rows("resource_events", [event("i-1", at(9)), event("i-2", at(9))])
    build_day(db, DAY)
    # i-2 turns out to have been terminated before the day (a late event): a rebuild drops it.
    db.insert_rows("resource_events", [event("i-2", at(9, 13), state="terminated")])
    assert build_day(db, DAY) == 1
    assert set(snapshot(db, DAY)) == {"i-1"}
    count = db.query("t", "SELECT count() FROM resource_snapshots").result_rows[0][0]
    assert count == 1


def test_resources_unseen_for_the_lookback_are_gone(db: PoloClickHouse) -> None:
    db.insert_rows("resource_events", [event("i-1", at(1))])
    assert build_day(db, DAY, lookback_days=5) == 0
    assert build_day(db, DAY, lookback_days=30) == 1
