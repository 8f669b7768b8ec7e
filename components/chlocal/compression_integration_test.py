"""Compressed inserts arrive whole: many blocks through clickhouse-connect with every
compression it negotiates, and many frames sent by `curl --data-binary` with `Content-Encoding`.

clickhouse-connect compresses each block as its own frame, so an insert of 100 000 rows is many
frames; an endpoint that decoded only the first one kept 8 192 rows and answered 200.
"""

from __future__ import annotations

import gzip
import subprocess
import zlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import clickhouse_connect
import lz4.frame
import pytest
from clickhouse_connect.driver.client import Client

from chlocal.compression import zstd
from chlocal.process import Endpoint

ROWS = 100_000
DDL = (
    "CREATE TABLE {table} (id UInt64, name String, cost Decimal(18, 6), "
    "tags Map(String, String)) ENGINE = MergeTree ORDER BY id"
)


def _row(i: int) -> tuple[int, str, Decimal, dict[str, str]]:
    return (
        i,
        f"resource-{i}-" + "x" * (i % 61),
        Decimal(i % 9973) / Decimal(1000),
        {"customer": f"c{i % 17}", "role": "db" if i % 3 else "web"},
    )


def _expected() -> tuple[int, int, int, Decimal]:
    rows = [_row(i) for i in range(ROWS)]
    return (
        len(rows),
        sum(r[0] for r in rows),
        sum(len(r[1]) for r in rows),
        sum((r[2] for r in rows), Decimal(0)),
    )


EXPECTED = _expected()


def _checksum(client: Client, table: str) -> tuple[int, int, int, Decimal]:
    row = client.query(
        f"SELECT count(), sum(id), sum(length(name)), sum(cost) FROM {table}"
    ).result_rows[0]
    return (int(row[0]), int(row[1]), int(row[2]), Decimal(row[3]))


@pytest.fixture
def table(client: Client) -> Iterator[str]:
    name = f"{client.database}.wide"
    client.command(DDL.format(table=name))
    yield name


@pytest.mark.parametrize("compress", [False, "lz4", "zstd", "gzip"])
def test_clickhouse_connect_insert_of_many_blocks_arrives_whole(
    endpoint: Endpoint, client: Client, table: str, compress: bool | str
) -> None:
    writer = clickhouse_connect.get_client(
        host="127.0.0.1", port=endpoint.port, database=client.database, compress=compress
    )
    try:
        writer.insert(
            table,
            [_row(i) for i in range(ROWS)],
            column_names=["id", "name", "cost", "tags"],
        )
    finally:
        writer.close()
    assert _checksum(client, table) == EXPECTED


def _tsv_body() -> bytes:
    return "".join(
        f"{i}\t{name}\t{cost}\n" for i, name, cost, _ in (_row(i) for i in range(ROWS))
    ).encode()


def _frames(compress: Callable[[bytes], bytes], body: bytes, frame_bytes: int = 256_000) -> bytes:
    """`body` compressed piece by piece, one frame (or gzip member) per piece, like a client
    that compresses block by block."""
    return b"".join(
        compress(body[start : start + frame_bytes]) for start in range(0, len(body), frame_bytes)
    )


ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "lz4": lz4.frame.compress,
    "zstd": zstd.compress,
    "gzip": gzip.compress,
    "deflate": zlib.compress,
}


def _curl(endpoint: Endpoint, table: str, encoding: str, payload: Path) -> tuple[int, str]:
    done = subprocess.run(
        [
            "curl",
            "--silent",
            "--show-error",
            "--output",
            "-",
            "--write-out",
            "\n%{http_code}",
            "--header",
            f"Content-Encoding: {encoding}",
            "--data-binary",
            f"@{payload}",
            f"{endpoint.url}/?query=INSERT%20INTO%20{table}%20(id,%20name,%20cost)%20FORMAT%20TSV",
        ],
        capture_output=True,
        check=True,
        text=True,
        timeout=120,
    )
    text, _, status = done.stdout.rpartition("\n")
    return int(status), text


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_curl_data_binary_of_many_frames_arrives_whole(
    endpoint: Endpoint, client: Client, table: str, encoding: str, tmp_path: Path
) -> None:
    body = _frames(ENCODERS[encoding], _tsv_body())
    payload = tmp_path / f"rows.tsv.{encoding}"
    payload.write_bytes(body)

    status, text = _curl(endpoint, table, encoding, payload)

    assert status == 200, text
    assert _checksum(client, table) == EXPECTED


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_truncated_or_corrupt_body_is_refused_and_inserts_nothing(
    endpoint: Endpoint, client: Client, table: str, encoding: str, damage: str, tmp_path: Path
) -> None:
    body = _frames(ENCODERS[encoding], _tsv_body())
    if damage == "truncated":
        body = body[: len(body) - 100]
    else:
        middle = len(body) // 2
        body = body[:middle] + bytes(64) + body[middle + 64 :]
    payload = tmp_path / f"rows.tsv.{encoding}"
    payload.write_bytes(body)

    status, text = _curl(endpoint, table, encoding, payload)

    assert status >= 400
    assert "Cannot decompress request body as" in text
    assert _checksum(client, table)[0] == 0
