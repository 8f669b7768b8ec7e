"""Unit tests of the lock's bookkeeping: who holds it and when a lock counts as abandoned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schema.migration_lock import LockHolder

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_lock_holder_round_trips_through_json() -> None:
    holder = LockHolder("migrate-abc", "host-1", 42, T0, T0 + timedelta(minutes=15))
    assert LockHolder.from_json(holder.to_json()) == holder
    assert LockHolder.from_json("not json") is None
    assert LockHolder.from_json('{"owner": "x"}') is None
    assert "migrate-abc" in holder.describe() and "host-1" in holder.describe()


def test_lock_is_stale_when_expired_or_its_local_process_is_gone() -> None:
    holder = LockHolder("m", "host-1", 42, T0, T0 + timedelta(minutes=15))
    alive = {42}.__contains__
    dead: set[int] = set()
    before_expiry = T0 + timedelta(minutes=1)
    assert not holder.is_stale(before_expiry, "host-1", alive)
    assert holder.is_stale(before_expiry, "host-1", dead.__contains__)
    # A pid on another host says nothing about that host's processes: only expiry counts.
    assert not holder.is_stale(before_expiry, "host-2", dead.__contains__)
    assert holder.is_stale(T0 + timedelta(minutes=15), "host-2", alive)
