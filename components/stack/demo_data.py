"""Demo data for a fresh local stack: seed once, never over existing data."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

from clickhouse.client import connect

SeedRunner = Callable[[str], None]


def run_seed(url: str) -> None:
    """`attribution.seed` in a child process, so its progress line reaches the terminal."""
    subprocess.run([sys.executable, "-m", "attribution.seed", "--url", url], check=True)


def has_cost_data(url: str) -> bool:
    with connect(url) as db:
        rows = db.query("demo_data.has_cost_data", "SELECT count() > 0 FROM cost_daily")
        return bool(rows.result_rows[0][0])


def seed_when_empty(
    url: str, *, report: Callable[[str], None] = print, seed: SeedRunner = run_seed
) -> bool:
    """Seed the demo organisation when `cost_daily` is empty; returns whether it seeded."""
    if has_cost_data(url):
        report("demo data: present, not seeding (pants seed --replace reseeds)")
        return False
    report("demo data: empty database, seeding the demo organisation")
    seed(url)
    return True
