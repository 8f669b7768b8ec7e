from __future__ import annotations

import gzip
import zlib

import lz4.frame
import pytest

from chlocal.compression import (
    DEFAULT_MAX_BODY_BYTES,
    MAX_BODY_ENV,
    decode_body,
    max_body_bytes,
    zstd,
)
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


BLOCKS = [bytes([n]) * 50_000 + b"end of block\n" for n in range(40, 46)]
ENCODERS = {
    "lz4": lz4.frame.compress,
    "zstd": zstd.compress,
    "gzip": gzip.compress,
    "deflate": zlib.compress,
}


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_every_frame_of_a_multi_frame_body_is_decoded(encoding: str) -> None:
    body = b"".join(ENCODERS[encoding](block) for block in BLOCKS)
    assert decode_body(body, encoding) == b"".join(BLOCKS)


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_a_body_cut_inside_its_last_frame_is_refused(encoding: str) -> None:
    body = b"".join(ENCODERS[encoding](block) for block in BLOCKS)
    with pytest.raises(ClickHouseException) as caught:
        decode_body(body[:-5], encoding)
    assert f"Cannot decompress request body as {encoding}" in caught.value.message


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_trailing_garbage_after_the_frames_is_refused(encoding: str) -> None:
    body = b"".join(ENCODERS[encoding](block) for block in BLOCKS) + b"garbage!"
    with pytest.raises(ClickHouseException):
        decode_body(body, encoding)


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_a_compression_bomb_stops_at_the_cap_with_a_413(encoding: str) -> None:
    bomb = ENCODERS[encoding](bytes(64 * 1024 * 1024))
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ClickHouseException) as caught:
        decode_body(bomb, encoding, max_bytes=8 * 1024 * 1024)
    assert caught.value.http_status == 413
    assert "exceeds the 8388608-byte limit once decompressed" in caught.value.message


def test_an_uncompressed_body_over_the_cap_is_a_413() -> None:
    with pytest.raises(ClickHouseException) as caught:
        decode_body(PAYLOAD, None, max_bytes=len(PAYLOAD) - 1)
    assert caught.value.http_status == 413


def test_the_cap_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert max_body_bytes() == DEFAULT_MAX_BODY_BYTES
    monkeypatch.setenv(MAX_BODY_ENV, "100")
    assert max_body_bytes() == 100
    with pytest.raises(ClickHouseException):
        decode_body(gzip.compress(b"x" * 101), "gzip")


@pytest.mark.parametrize("value", ["lots", "0", "-5"])
def test_a_malformed_cap_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(MAX_BODY_ENV, value)
    with pytest.raises(ValueError, match=MAX_BODY_ENV):
        max_body_bytes()
