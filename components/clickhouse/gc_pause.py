"""Pause Python's cyclic garbage collector around bulk row building.

A collector run builds and keeps about 100 k small objects (events, their tag and attribute
maps) before it writes them. Each time the allocations cross a threshold, CPython's cyclic
collector rescans every live container, and with more rows alive each pass costs more: at
100 k events it took about a fifth of the normalise + insert time (docs/collectors.md,
"Performance"). Those rows hold no reference cycles, so reference counting frees them all
anyway; the pause only defers collection of cycles made elsewhere until the bulk work ends.

Pauses nest and may overlap across threads: the collector is enabled again when the last
pause that found it enabled ends, never by a pause that found it already disabled by someone
else.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the `with` block (see the module docstring)."""
    global _holders
    with _lock:
        if _holders == 0 and not gc.isenabled():
            # Disabled by someone else (a test, the embedding program): not ours to re-enable.
            owned = False
        else:
            _holders += 1
            owned = True
            gc.disable()
    try:
        yield
    finally:
        if owned:
            with _lock:
                _holders -= 1
                if _holders == 0:
                    gc.enable()
