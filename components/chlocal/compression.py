"""Request-body decompression for the encodings ClickHouse clients send.

clickhouse-connect compresses insert bodies by default (lz4 frame first, then zstd, gzip,
deflate) and marks them with `Content-Encoding`. Responses are sent uncompressed: HTTP lets a
server ignore `Accept-Encoding`, and on loopback compression only costs CPU.
"""

from __future__ import annotations

import gzip
import zlib

import lz4.frame  # pants: no-infer-dep (installed with clickhouse-connect)

from chlocal.errors import ClickHouseException

try:
    from backports import zstd  # pants: no-infer-dep (installed with clickhouse-connect)
except ImportError:  # Python 3.14+ ships it as compression.zstd
    from compression import zstd  # type: ignore[import-not-found,no-redef]  # pants: no-infer-dep

SUPPORTED_ENCODINGS = ("identity", "gzip", "deflate", "lz4", "zstd")


def decode_body(body: bytes, content_encoding: str | None) -> bytes:
    """The body with every listed `Content-Encoding` undone (last applied, first undone)."""
    if not content_encoding:
        return body
    encodings = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
    for encoding in reversed(encodings):
        body = _decode_one(body, encoding)
    return body


def _decode_one(body: bytes, encoding: str) -> bytes:
    try:
        if encoding == "identity":
            return body
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
        if encoding == "lz4":
            return lz4.frame.decompress(body)
        if encoding == "zstd":
            return zstd.decompress(body)
    except (OSError, EOFError, RuntimeError, zlib.error, zstd.ZstdError) as exc:
        raise ClickHouseException(
            432,
            "UNKNOWN_CODEC",
            f"Cannot decompress request body as {encoding}: {exc}",
        ) from exc
    raise ClickHouseException(
        432,
        "UNKNOWN_CODEC",
        f"Unsupported Content-Encoding {encoding!r}; supported: {', '.join(SUPPORTED_ENCODINGS)}",
    )
