from __future__ import annotations

import gzip
import zlib

import lz4.frame
import pytest

from chlocal.compression import decode_body, zstd
from chlocal.errors import ClickHouseException

PAYLOAD = b"1,one\n2,two\n" * 100


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        (None, PAYLOAD),
        ("identity", PAYLOAD),
        ("gzip", gzip.compress(PAYLOAD)),
        ("deflate", zlib.compress(PAYLOAD)),
        ("lz4", lz4.frame.compress(PAYLOAD)),
        ("zstd", zstd.compress(PAYLOAD)),
        ("gzip, lz4", lz4.frame.compress(gzip.compress(PAYLOAD))),
    ],
)
def test_every_supported_encoding_round_trips(encoding: str | None, encoded: bytes) -> None:
    assert decode_body(encoded, encoding) == PAYLOAD


def test_corrupt_body_is_a_clear_error() -> None:
    with pytest.raises(ClickHouseException) as caught:
        decode_body(b"not gzip", "gzip")
    assert "Cannot decompress request body as gzip" in caught.value.message


def test_unknown_encoding_is_rejected() -> None:
    with pytest.raises(ClickHouseException) as caught:
        decode_body(PAYLOAD, "br")
    assert "Unsupported Content-Encoding 'br'" in caught.value.message
