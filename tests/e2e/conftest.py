"""Shared fixtures of the e2e stories (docs/e2e.md).

`week` is the session's 14-day world: the organisation of `fleet.py` simulated day by day
(changes in moto, CloudTrail through the lifecycle function, every inventory function at 06:00),
then Cost Explorer collected once and the attribution rebuilt for every day. Stories that only
read share it (Pants runs them in one pytest process: `batch_compatibility_tag` in BUILD); stories
that break things build their own `World`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.world import World, report

logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server's request log


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "story(name): an e2e story (docs/e2e.md)")


@pytest.fixture(scope="session")
def week(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    began = time.perf_counter()
    world = World(tmp_path_factory.mktemp("week"))
    try:
        world.simulate()
        world.collect_cost()
        world.rebuild()
        world.timings["world total"] = time.perf_counter() - began
        report(world, "week world")
        yield world
    finally:
        world.close()


@pytest.fixture
def story_root(tmp_path: Path) -> Path:
    return tmp_path
