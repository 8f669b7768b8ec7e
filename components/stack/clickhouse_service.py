"""ClickHouse as a stack service: the chlocal endpoint on a chDB data directory (`embedded`, the
default) or a ClickHouse server that Docker Compose runs (`docker`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from chlocal import auth
from stack.service import Service

Mode = Literal["embedded", "docker"]
CLICKHOUSE = "clickhouse"


def clickhouse_service(mode: Mode, data_dir: Path, port: int) -> Service:
    """The ClickHouse service `up` starts first; in `docker` mode Docker runs it (no command)."""
    if mode == "docker":
        user, password = auth.DEFAULT_USER, auth.DEFAULT_PASSWORD
        return Service(
            name=CLICKHOUSE,
            command=None,
            port=port,
            health_url=f"http://127.0.0.1:{port}/ping",
            url=f"http://{user}:{password}@127.0.0.1:{port}",
            description="ClickHouse server (Docker Compose)",
        )
    return Service(
        name=CLICKHOUSE,
        command=[
            sys.executable,
            "-m",
            "chlocal.server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ],
        port=port,
        health_url=f"http://127.0.0.1:{port}/ping",
        url=f"http://127.0.0.1:{port}",
        description=f"ClickHouse HTTP on chDB, data in {data_dir}",
    )
