"""Fixtures for the attribution tests: a migrated database, and one seeded organisation shared
by every test of the session that reads it (seeding takes seconds; the tests only read)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from clickhouse_connect.driver.client import Client

from attribution.seed import SeedConfig, SeedResult, seed
from clickhouse.client import PoloClickHouse
from schema.migrate import apply_migrations

# Small enough to seed in seconds, large enough for every part of the story.
TEST_SEED = SeedConfig(
    customers=3, clusters=2, resources=150, days=15, random_seed=11, end_date=date(2026, 3, 1)
)


@pytest.fixture
def db(ch_client: Client) -> PoloClickHouse:
    """A fresh database with every Polo migration applied."""
    polo = PoloClickHouse(ch_client)
    apply_migrations(polo)
    return polo


@pytest.fixture(scope="session")
def _seeded_cache() -> Iterator[dict[str, tuple[PoloClickHouse, SeedResult]]]:
    cache: dict[str, tuple[PoloClickHouse, SeedResult]] = {}
    yield cache
    for name, (polo, _result) in cache.items():
        polo.command("drop_seeded", f"DROP DATABASE IF EXISTS {name} SYNC")


@pytest.fixture
def seeded(
    ch_client: Client, _seeded_cache: dict[str, tuple[PoloClickHouse, SeedResult]]
) -> tuple[PoloClickHouse, SeedResult]:
    """A database seeded with TEST_SEED, built once per session (read it, never write)."""
    if not _seeded_cache:
        name = f"polo_seeded_{uuid.uuid4().hex[:12]}"
        ch_client.command(f"CREATE DATABASE {name}")
        # The client outlives this test on purpose: it is the session's handle on that database.
        ch_client.database = name
        polo = PoloClickHouse(ch_client)
        apply_migrations(polo)
        _seeded_cache[name] = (polo, seed(polo, TEST_SEED))
    return next(iter(_seeded_cache.values()))


@dataclass
class PerfReport:
    """What queries_perf_test.py measured, printed as a table at the end of the session."""

    title: str = ""
    rows: list[tuple[str, str, float, float, int | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


PERF_REPORT = PerfReport()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not PERF_REPORT.rows:
        return
    write = terminalreporter.write_line
    write("")
    write(PERF_REPORT.title)
    write(f"{'query':<22} {'scenario':<30} {'p50 ms':>8} {'p95 ms':>8}  target")
    for name, scenario, p50, p95, target in PERF_REPORT.rows:
        verdict = ""
        if target is not None:
            verdict = f"p95 < {target} ms: {'met' if p95 < target else 'missed'}"
        write(f"{name:<22} {scenario:<30} {p50:>8.1f} {p95:>8.1f}  {verdict}")
    for note in PERF_REPORT.notes:
        write(note)
