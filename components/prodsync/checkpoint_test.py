from __future__ import annotations

from datetime import date
from pathlib import Path

from prodsync.checkpoint import CheckpointStore, Fingerprint, chunk_key, run_key

FP = Fingerprint(rows=3, hash_sum=10, hash_xor=7)


def test_progress_survives_a_restart_of_the_same_run(tmp_path: Path) -> None:
    path = tmp_path / "prodsync" / "checkpoint.json"
    key = run_key("src", "dst", ["b", "a"], date(2026, 1, 1), date(2026, 1, 31))
    store = CheckpointStore(path, key)
    store.mark_done(chunk_key("cost_daily", date(2026, 1, 2)), FP)
    reopened = CheckpointStore(path, key)
    assert reopened.resumed_chunks == 1
    assert reopened.is_done("cost_daily/2026-01-02")
    assert not reopened.is_done("cost_daily/2026-01-03")


def test_another_run_ignores_the_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    CheckpointStore(path, "one").mark_done("t/all", FP)
    assert CheckpointStore(path, "two").resumed_chunks == 0


def test_run_key_depends_on_every_argument_but_not_table_order() -> None:
    base = run_key("s", "d", ["a", "b"], date(2026, 1, 1), date(2026, 1, 2))
    assert base == run_key("s", "d", ["b", "a"], date(2026, 1, 1), date(2026, 1, 2))
    assert base != run_key("s", "d", ["a"], date(2026, 1, 1), date(2026, 1, 2))
    assert base != run_key("s", "d", ["a", "b"], date(2026, 1, 1), date(2026, 1, 3))
    assert base != run_key("s2", "d", ["a", "b"], date(2026, 1, 1), date(2026, 1, 2))


def test_clear_and_corrupt_files(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    store = CheckpointStore(path, "k")
    store.mark_done("t/all", FP)
    store.clear()
    assert not path.exists()
    path.write_text("{not json")
    assert CheckpointStore(path, "k").resumed_chunks == 0
    assert chunk_key("t", None) == "t/all"
