"""cost_delta_roots always holds, for every pair, what the root's decomposition of that pair is:
after the refresh, after a refresh that changes nothing, after a dropped day, and after migration
018's backfill. (That the roots' answers equal the Decimal reference at the root is checked by
attribution/delta_integration_test.py through the root files, which read only this table.)"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from attribution.delta_blocks import refresh_days
from attribution.delta_pair_tables import ROOTS as TABLE
from attribution.delta_weeks import WEEK_DAYS
from attribution.delta_weeks_integration_test import MOVED, NEW_DAY, START, _fleet, _load
from clickhouse.client import PoloClickHouse
from schema.migrate import load_migrations

COLUMNS = (
    "cost_a, cost_b, created_b, removed_a, moved_in_b, moved_out_a, rate_raw, rate_daily, "
    "resource_count, flagged"
)
# A child's usage decomposition is its row of charge 0 (migration 021).
KEY = "pairs, compare_start, compare_days, hierarchy, child, charge"


def _roots(db: PoloClickHouse) -> dict[tuple, tuple]:
    rows = db.query("t", f"SELECT {KEY}, {COLUMNS} FROM {TABLE}").result_rows
    found = {tuple(row[:6]): tuple(row[6:]) for row in rows}
    assert len(found) == len(rows), "a pair's root row is there twice"
    return found


def _recomputed(db: PoloClickHouse) -> dict[tuple, tuple]:
    """Every kind of pair's roots computed again from the pair tables as they are now."""
    found: dict[tuple, tuple] = {}
    for pairs in ("week", "month", "mtd"):
        for row in db.query(
            "t",
            f"SELECT {KEY}, {COLUMNS} FROM cost_delta_roots_source(pairs = {{p:String}}, "
            "first = '1970-01-01', last = '2149-06-06', min_days = 0)",
            {"p": pairs},
        ).result_rows:
            found[tuple(row[:6])] = tuple(row[6:])
    return found


def _micro(rows: list[dict[str, Any]], resource: str, first: date, end: date) -> int:
    return sum(
        int(r["effective_cost"] * 10**6)
        for r in rows
        if r["resource_id"] == resource and first <= r["charge_date"] < end
    )


def test_every_pair_has_its_roots_and_they_classify_moves_and_creations(
    db: PoloClickHouse,
) -> None:
    rows = _fleet()
    _load(db, rows)
    roots = _roots(db)
    assert roots == _recomputed(db)
    assert {key[0] for key in roots} == {"week", "month", "mtd"}

    # The week i-move went from acme to globex: a transfer out of acme and into globex at the
    # logical root; in the physical hierarchy it stayed in its account, so it continues there.
    window_a = (MOVED - timedelta(days=WEEK_DAYS), MOVED)
    window_b = (MOVED, MOVED + timedelta(days=WEEK_DAYS))
    acme = roots[("week", MOVED, 0, "logical", "acme", 0)]
    globex = roots[("week", MOVED, 0, "logical", "globex", 0)]
    assert acme[5] == _micro(rows, "i-move", *window_a) and acme[4] == 0
    assert globex[4] == _micro(rows, "i-move", *window_b) and globex[5] == 0
    account = roots[("week", MOVED, 0, "physical", "111111111111", 0)]
    assert account[4:6] == (0, 0) and account[8] == 2  # i-move and the unresourced cost

    # The week i-new started: created at acme, with its whole cost in B.
    started = START + timedelta(days=NEW_DAY)
    created = roots[("week", started, 0, "logical", "acme", 0)]
    assert created[2] == _micro(rows, "i-new", started, started + timedelta(days=WEEK_DAYS))


def test_refreshing_twice_changes_nothing_and_a_dropped_day_leaves_no_stale_root(
    db: PoloClickHouse,
) -> None:
    rows = _fleet()
    _load(db, rows)
    before = _roots(db)
    refresh_days(db, [START + timedelta(days=5)])
    assert _roots(db) == before

    dropped = START + timedelta(days=NEW_DAY)
    db.command("t", "ALTER TABLE cost_attributed_daily DROP PARTITION {d:Date}", {"d": dropped})
    refresh_days(db, [dropped])
    after = _roots(db)
    assert after == _recomputed(db)
    # i-new's first day is gone: the week that started with it holds a day less of its cost.
    started = ("week", dropped, 0, "logical", "acme", 0)
    lost = sum(
        int(r["effective_cost"] * 10**6)
        for r in rows
        if r["charge_date"] == dropped and r["marqo_customer"] == "acme"
    )
    assert lost > 0
    assert after[started][1] == before[started][1] - lost


def test_migration_backfills_the_same_roots_as_the_refresh(db: PoloClickHouse) -> None:
    rows = _fleet()
    _load(db, rows)
    refreshed = _roots(db)
    migration = next(m for m in load_migrations() if m.name == "018_cost_delta_roots.sql")
    # As on a database whose pairs predate 018, and twice: re-running it counts nothing twice.
    for _ in range(2):
        for statement in migration.statements:
            db.command("migration_018", statement.text)
        assert _roots(db) == refreshed
