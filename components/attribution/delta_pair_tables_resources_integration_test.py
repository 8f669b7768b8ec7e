"""cost_delta_pair_resources and cost_delta_pair_moves always hold, for every pair, its resources'
lines: after the refresh, after a refresh that changes nothing, after a dropped day, and after
migration 020's backfill. (That delta_resources_pair.sql answers from them exactly what the
Decimal reference answers is checked by attribution/delta_integration_test.py, which routes every
week, month and month-to-date request there.)"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from attribution.delta_blocks import refresh_days
from attribution.delta_pair_tables import MOVES, RESOURCES
from attribution.delta_pair_tables_roots_integration_test import _micro
from attribution.delta_weeks import WEEK_DAYS
from attribution.delta_weeks_integration_test import MOVED, NEW_DAY, START, _fleet, _load
from clickhouse.client import PoloClickHouse
from schema.migrate import load_migrations

# The tables these tests check, in refresh order.
TABLES = (MOVES, RESOURCES)


def _rows(db: PoloClickHouse, table: str) -> list[tuple]:
    return sorted(db.query("t", f"SELECT * FROM {table}").result_rows)


def _state(db: PoloClickHouse) -> dict[str, list[tuple]]:
    return {table: _rows(db, table) for table in TABLES}


def _recomputed(db: PoloClickHouse) -> dict[str, list[tuple]]:
    """Both tables computed again from the pair tables and the blocks as they are now."""
    found: dict[str, list[tuple]] = {}
    for table in TABLES:
        found[table] = sorted(
            row
            for pairs in ("week", "month", "mtd")
            for row in db.query(
                "t",
                f"SELECT * FROM {table}_source(pairs = {{p:String}}, first = '1970-02-01', "
                "last = '2149-05-01', min_days = 0)",
                {"p": pairs},
            ).result_rows
        )
    return found


def _line(db: PoloClickHouse, pairs: str, start: date, resource: str) -> dict[str, Any]:
    (row,) = db.query(
        "t",
        f"SELECT * FROM {RESOURCES} WHERE pairs = {{p:String}} AND compare_start = {{s:Date}} "
        "AND compare_days = 0 AND resource_key = {r:String}",
        {"p": pairs, "s": start, "r": resource},
    ).named_results()
    return row


def test_every_pair_lists_its_resources_ranked_and_its_moves_line_by_line(
    db: PoloClickHouse,
) -> None:
    rows = _fleet()
    _load(db, rows)
    state = _state(db)
    assert state == _recomputed(db)
    assert {row[0] for row in state[RESOURCES]} == {"week", "month", "mtd"}

    # The week i-new started: created, its whole cost in B, ranked by it.
    started = START + timedelta(days=NEW_DAY)
    created = _line(db, "week", started, "i-new")
    cost_b = _micro(rows, "i-new", started, started + timedelta(days=WEEK_DAYS))
    assert (created["component"], created["cost_a"], created["cost_b"]) == ("created", 0, cost_b)
    assert created["rank"] == -cost_b and created["moved"] == 0

    # The week i-move went from acme in vpc-1 to globex in vpc-2: a moved resource, listed as the
    # root sees it (continuing, owned by where it was last) and line by line in the moves.
    moved = _line(db, "week", MOVED, "i-move")
    window_a = (MOVED - timedelta(days=WEEK_DAYS), MOVED)
    window_b = (MOVED, MOVED + timedelta(days=WEEK_DAYS))
    assert (moved["moved"], moved["component"], moved["marqo_customer"]) == (
        1,
        "continuing",
        "globex",
    )
    assert (moved["cost_a"], moved["cost_b"]) == (
        _micro(rows, "i-move", *window_a),
        _micro(rows, "i-move", *window_b),
    )
    places = db.query(
        "t",
        f"SELECT marqo_customer, cost_a, cost_b, last_day FROM {MOVES} "
        "WHERE pairs = 'week' AND compare_start = {s:Date} ORDER BY marqo_customer",
        {"s": MOVED},
    ).result_rows
    assert places == [
        ("acme", moved["cost_a"], 0, MOVED - timedelta(days=1)),
        ("globex", 0, moved["cost_b"], MOVED + timedelta(days=WEEK_DAYS - 1)),
    ]
    # A resource that never moved has no lines in the moves.
    assert {row[5] for row in state[MOVES]} == {"i-move"}


def test_refreshing_twice_changes_nothing_and_a_dropped_day_leaves_no_stale_line(
    db: PoloClickHouse,
) -> None:
    rows = _fleet()
    _load(db, rows)
    before = _state(db)
    refresh_days(db, [START + timedelta(days=5)])
    assert _state(db) == before

    dropped = START + timedelta(days=NEW_DAY)
    db.command("t", "ALTER TABLE cost_attributed_daily DROP PARTITION {d:Date}", {"d": dropped})
    refresh_days(db, [dropped])
    assert _state(db) == _recomputed(db)
    # i-new's first day is gone: the week that started with it holds a day less of its cost.
    lost = _micro(rows, "i-new", dropped, dropped + timedelta(days=1))
    assert lost > 0
    after = _line(db, "week", dropped, "i-new")
    assert (
        after["cost_b"]
        == _micro(rows, "i-new", dropped, dropped + timedelta(days=WEEK_DAYS)) - lost
    )


def test_migration_backfills_the_same_lines_as_the_refresh(db: PoloClickHouse) -> None:
    rows = _fleet()
    _load(db, rows)
    refreshed = _state(db)
    migration = next(m for m in load_migrations() if m.name == "020_cost_delta_pair_resources.sql")
    # As on a database whose pairs predate 020, and twice: re-running it writes nothing twice.
    for _ in range(2):
        for statement in migration.statements:
            db.command("migration_020", statement.text)
        assert _state(db) == refreshed
