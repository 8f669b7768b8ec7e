from __future__ import annotations

from datetime import date

from attribution.demo_inventory import collector_runs
from attribution.demo_organisation import SeedConfig, plan
from attribution.seed_checksums import checksums
from attribution.seed_writer import DATA_TABLES
from clickhouse.client import PoloClickHouse

RUNS = collector_runs(plan(SeedConfig(end_date=date(2026, 3, 1))))


def _truncate(db: PoloClickHouse) -> None:
    db.command("test.truncate", "TRUNCATE TABLE collector_runs")


def test_every_seed_table_is_summed_and_an_empty_one_is_zero(db: PoloClickHouse) -> None:
    sums = checksums(db)

    assert list(sums) == list(DATA_TABLES)
    assert set(sums.values()) == {"0:0000000000000000"}


def test_the_checksum_ignores_row_order_and_sees_any_changed_value(db: PoloClickHouse) -> None:
    db.insert_rows("collector_runs", RUNS)
    (forward,) = checksums(db, ["collector_runs"]).values()
    _truncate(db)
    db.insert_rows("collector_runs", RUNS[::-1])
    (backward,) = checksums(db, ["collector_runs"]).values()
    _truncate(db)
    db.insert_rows("collector_runs", [RUNS[0].model_copy(update={"api_calls": 4}), *RUNS[1:]])
    (changed,) = checksums(db, ["collector_runs"]).values()

    assert forward == backward
    assert forward.startswith("24:") and len(forward) == len("24:") + 16
    assert changed.startswith("24:") and changed != forward
