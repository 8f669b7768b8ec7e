"""The freshness query against real `collector_runs` rows (embedded ClickHouse)."""

from __future__ import annotations

from clickhouse_connect.driver.client import Client

from clickhouse.client import PoloClickHouse
from collectors.common.collector_run import collector_run
from jobs.freshness import last_successes
from schema.migrate import apply_migrations


def test_only_successful_runs_count(ch_client: Client) -> None:
    apply_migrations(ch_client)
    db = PoloClickHouse(ch_client)
    with collector_run(db, "config_ec2", "123456789012", "eu-west-1"):
        pass
    try:
        with collector_run(db, "tags", "123456789012", "eu-west-1"):
            raise RuntimeError("AccessDenied")
    except RuntimeError:
        pass
    found = last_successes(db, ["config_ec2", "tags", "lifecycle"])
    assert set(found) == {"config_ec2"}
