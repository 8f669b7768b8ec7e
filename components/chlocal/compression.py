"""Request-body decompression for the encodings ClickHouse clients send.

clickhouse-connect compresses insert bodies by default (lz4 frame first, then zstd, gzip,
deflate) and marks them with `Content-Encoding`. It compresses **each block on its own**: an
insert of many blocks arrives as many lz4 (or zstd) frames, or gzip members, back to back. So
every decoder here reads frames until the body is used up, and a body that ends inside a frame
is refused: a one-shot `lz4.frame.decompress` would return the first frame and silently drop
the rest.

A body may not decompress to more than `max_body_bytes()` (default 256 MiB): the
decoders stop at the cap instead of inflating a small compression bomb into gigabytes.

Responses are sent uncompressed: HTTP lets a server ignore `Accept-Encoding`, and on loopback
compression only costs CPU.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from typing import Protocol

import lz4.frame  # pants: no-infer-dep (installed with clickhouse-connect)

from chlocal.errors import ClickHouseException

try:
    from backports import zstd  # pants: no-infer-dep (installed with clickhouse-connect)
except ImportError:  # Python 3.14+ ships it as compression.zstd
    from compression import zstd  # type: ignore[import-not-found,no-redef]  # pants: no-infer-dep

SUPPORTED_ENCODINGS = ("identity", "gzip", "deflate", "lz4", "zstd")

# 256 MiB: far above what Polo's writers send in one request (batches of 10-20 k rows, prod-sync
# one table-day at a time), far below what would hurt a laptop. `POLO_CHLOCAL_MAX_BODY_BYTES`
# raises it for an unusually large one-off insert.
DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024
MAX_BODY_ENV = "POLO_CHLOCAL_MAX_BODY_BYTES"

# Decoders emit at most this much per call, so the cap is checked before memory is spent.
_CHUNK = 4 * 1024 * 1024


class _FrameDecoder(Protocol):
    """What lz4's, zstd's and zlib's incremental decompressors have in common."""

    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...


def max_body_bytes() -> int:
    """The configured cap: `POLO_CHLOCAL_MAX_BODY_BYTES` or the default."""
    raw = os.environ.get(MAX_BODY_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BODY_BYTES
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{MAX_BODY_ENV} must be a number of bytes, got {raw!r}") from exc
    if value < 1:
        raise ValueError(f"{MAX_BODY_ENV} must be positive, got {value}")
    return value


def decode_body(body: bytes, content_encoding: str | None, max_bytes: int | None = None) -> bytes:
    """The body with every listed `Content-Encoding` undone (last applied, first undone).

    `max_bytes` defaults to `max_body_bytes()`, so the server needs no setting of its own.
    """
    if max_bytes is None:
        max_bytes = max_body_bytes()
    _check_size(len(body), max_bytes)
    if not content_encoding:
        return body
    encodings = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
    for encoding in reversed(encodings):
        body = _decode_one(body, encoding, max_bytes)
    return body


def _decode_one(body: bytes, encoding: str, max_bytes: int) -> bytes:
    factory = _DECODERS.get(encoding)
    if encoding == "identity":
        return body
    if factory is None:
        raise ClickHouseException.of(
            "UNKNOWN_CODEC",
            f"Unsupported Content-Encoding {encoding!r}; "
            f"supported: {', '.join(SUPPORTED_ENCODINGS)}",
        )
    try:
        return _decode_frames(body, factory, max_bytes)
    except (OSError, EOFError, RuntimeError, zlib.error, zstd.ZstdError) as exc:
        raise ClickHouseException.of(
            "UNKNOWN_CODEC",
            f"Cannot decompress request body as {encoding}: {exc}",
        ) from exc


def _decode_frames(body: bytes, factory: Callable[[], _FrameDecoder], max_bytes: int) -> bytes:
    """Every frame of `body`, concatenated; an error if the last one is cut short."""
    out = bytearray()
    remaining = body
    while remaining:
        decoder = factory()
        data = remaining
        while not decoder.eof:
            chunk = decoder.decompress(data, _CHUNK)
            out += chunk
            _check_size(len(out), max_bytes)
            # zlib hands back the input it did not read yet; lz4 and zstd buffer it themselves.
            data = getattr(decoder, "unconsumed_tail", b"")
            if not chunk and not data and not decoder.eof and _starved(decoder):
                raise EOFError(
                    f"the body ends inside a compressed frame after {len(body)} bytes "
                    "(truncated upload?)"
                )
        remaining = decoder.unused_data
    return bytes(out)


def _starved(decoder: _FrameDecoder) -> bool:
    """True when the decoder has read all its input and still wants more."""
    # zlib's decompressobj has no needs_input: with no input left and no output, it is starved.
    return bool(getattr(decoder, "needs_input", True))


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ClickHouseException.of(
            "QUERY_IS_TOO_LARGE",
            f"Request body exceeds the {max_bytes}-byte limit once decompressed "
            f"(set {MAX_BODY_ENV} to raise it)",
        )


_DECODERS: dict[str, Callable[[], _FrameDecoder]] = {
    "gzip": lambda: zlib.decompressobj(wbits=31),
    "x-gzip": lambda: zlib.decompressobj(wbits=31),
    "deflate": lambda: zlib.decompressobj(),
    "lz4": lambda: lz4.frame.LZ4FrameDecompressor(),
    "zstd": lambda: zstd.ZstdDecompressor(),
}
