from __future__ import annotations

from datetime import date

import pytest

from attribution.conftest import TEST_SEED
from attribution.demo_inventory import collector_runs
from attribution.demo_organisation import plan
from attribution.seed import seed
from attribution.seed_writer import DATA_TABLES, SeedError, SeedWriter, prepare_tables
from clickhouse.client import PoloClickHouse

RUNS = collector_runs(plan(TEST_SEED.model_copy(update={"end_date": date(2026, 3, 1)})))


def _count(db: PoloClickHouse, table: str) -> int:
    return db.query("test.count", "SELECT count() FROM {t:Identifier}", {"t": table}).result_rows[
        0
    ][0]


def test_the_writer_counts_and_reports_each_table(db: PoloClickHouse) -> None:
    reported: list[tuple[str, int, float]] = []
    writer = SeedWriter(db, lambda phase, rows, seconds: reported.append((phase, rows, seconds)))

    writer.write("collector_runs", RUNS)

    assert writer.rows == {"collector_runs": len(RUNS)} == {"collector_runs": 24}
    assert [(phase, rows) for phase, rows, _ in reported] == [("collector_runs", 24)]
    assert reported[0][2] >= 0
    assert _count(db, "collector_runs") == 24


def test_a_database_with_data_is_refused_unless_replaced(db: PoloClickHouse) -> None:
    prepare_tables(db, replace=False)  # empty: nothing to refuse
    db.insert_rows("collector_runs", RUNS)

    with pytest.raises(SeedError, match=r"already holds data: collector_runs \(24 rows\); use"):
        prepare_tables(db, replace=False)
    assert _count(db, "collector_runs") == 24

    prepare_tables(db, replace=True)
    assert all(_count(db, table) == 0 for table in DATA_TABLES)


def test_a_table_that_keeps_fewer_rows_than_were_sent_stops_the_seed(db: PoloClickHouse) -> None:
    # A real lossy destination: cost_daily swapped for a table that discards every insert, as an
    # endpoint that acknowledged an insert and kept part of it would look to the seed.
    db.command("test.null", "CREATE TABLE cost_daily_discard AS cost_daily ENGINE = Null")
    db.command("test.swap", "EXCHANGE TABLES cost_daily AND cost_daily_discard")

    with pytest.raises(SeedError) as caught:
        seed(db, TEST_SEED)

    assert "cost_daily: the seed wrote" in str(caught.value)
    assert "but the table holds 0" in str(caught.value)
