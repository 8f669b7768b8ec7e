"""prod-sync's resume state: which chunks of a run are already copied.

A run is identified by its source, destination, tables and window; the checkpoint file
(`$POLO_HOME/prodsync/checkpoint.json`) lists the chunks that run finished, each with the
fingerprint it was copied at. An interrupted run started again with the same arguments skips
those chunks without asking either server; a run that completes deletes the file, so the next
run verifies every chunk again (by fingerprint) and copies only what changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field

CHECKPOINT_VERSION = 1


class Fingerprint(BaseModel):
    """Row count plus two order-independent hashes of every row (sum and xor of cityHash64)."""

    rows: int
    hash_sum: int
    hash_xor: int


class Checkpoint(BaseModel):
    version: int = CHECKPOINT_VERSION
    run_key: str
    done: dict[str, Fingerprint] = Field(default_factory=dict)


def run_key(source: str, destination: str, tables: Sequence[str], start: date, end: date) -> str:
    identity = json.dumps([source, destination, sorted(tables), start.isoformat(), end.isoformat()])
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def chunk_key(table: str, day: date | None) -> str:
    return f"{table}/{day.isoformat() if day else 'all'}"


class CheckpointStore:
    """Load, update and clear the checkpoint file; every write is atomic."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self.state = self._load()

    def _load(self) -> Checkpoint:
        try:
            loaded = Checkpoint.model_validate_json(self.path.read_text())
        except (OSError, ValueError):
            return Checkpoint(run_key=self.key)
        if loaded.version != CHECKPOINT_VERSION or loaded.run_key != self.key:
            # A different run (other window, tables or servers): its progress does not apply.
            return Checkpoint(run_key=self.key)
        return loaded

    @property
    def resumed_chunks(self) -> int:
        return len(self.state.done)

    def is_done(self, key: str) -> bool:
        return key in self.state.done

    def mark_done(self, key: str, fingerprint: Fingerprint) -> None:
        self.state.done[key] = fingerprint
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(self.state.model_dump_json(indent=1))
        tmp.replace(self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
