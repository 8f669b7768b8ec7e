"""One FOCUS export run: find the export's recent months, load each new delivery.

Configuration (environment, `FocusSettings.from_env`):

| variable | meaning |
|---|---|
| `POLO_FOCUS_BUCKET` | the export's S3 bucket (required) |
| `POLO_FOCUS_PREFIX` | the export's S3 prefix (default: none) |
| `POLO_FOCUS_EXPORT_NAME` | the export's name (required) |
| `POLO_FOCUS_MONTHS` | how many months back a run looks, the current one included (default 3) |
| `POLO_FOCUS_FINAL_AFTER_DAYS` | days after a month ends before its export is final (default 5) |
| `POLO_FOCUS_S3_ENDPOINT` | a path-style S3 endpoint instead of AWS's (tests, other stores) |
| `POLO_FOCUS_REGION` | the bucket's region (default us-east-1) |

A month that fails to load (a malformed file, a manifest naming a missing file) keeps its
previous delivery, is reported in the run's `collector_runs` row, and does not stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clickhouse.client import PoloClickHouse
from collectors.common.collector_run import RunRecorder, write_run
from collectors.focus_export.loader import FocusLoadError, LoadResult, S3Reader, load_delivery
from collectors.focus_export.manifest import ManifestError, find_manifests, read_manifest

COLLECTOR_NAME = "focus_export"
log = logging.getLogger(__name__)


class FocusSettingsError(ValueError):
    """A `POLO_FOCUS_*` setting is missing or malformed."""


class FocusSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    bucket: str = Field(min_length=3)
    prefix: str = ""
    export_name: str = Field(min_length=1)
    months: int = Field(default=3, ge=1, le=36)
    final_after_days: int = Field(default=5, ge=0, le=60)
    s3_endpoint: str | None = None
    region: str = "us-east-1"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> FocusSettings:
        values = {
            name: environ[f"POLO_FOCUS_{name.upper()}"]
            for name in cls.model_fields
            if environ.get(f"POLO_FOCUS_{name.upper()}", "").strip()
        }
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise FocusSettingsError(f"invalid POLO_FOCUS_* setting: {exc}") from exc

    def is_final(self, period_end: date, today: date) -> bool:
        return today >= period_end + timedelta(days=self.final_after_days)


class FocusRunResult(BaseModel):
    loads: list[LoadResult] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)


def _first_month(today: date, months: int) -> date:
    month_index = today.year * 12 + today.month - 1 - (months - 1)
    return date(month_index // 12, month_index % 12 + 1, 1)


def _print_progress(file: int, files: int, rows: int, seconds: float) -> None:
    rate = rows / seconds if seconds > 0 else float(rows)
    log.info("focus_export: file %d/%d, %d line items (%.0f/s)", file, files, rows, rate)


def run_focus_collection(
    db: PoloClickHouse,
    s3: Any,
    reader: S3Reader,
    settings: FocusSettings,
    account_id: str,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> FocusRunResult:
    """Load every new delivery of the last `settings.months` months; one collector_runs row
    (for `account_id`, the account the export's bucket is read from)."""
    today = clock().astimezone(UTC).date()
    first = _first_month(today, settings.months)
    recorder = RunRecorder(COLLECTOR_NAME, account_id, settings.region)
    result = FocusRunResult()
    refs = [
        ref
        for ref in find_manifests(s3, settings.bucket, settings.prefix, settings.export_name)
        if ref.period >= first
    ]
    recorder.api_calls += 1 + len(refs)
    for ref in refs:
        try:
            manifest = read_manifest(s3, ref)
            loaded = load_delivery(
                db,
                reader,
                manifest,
                final=settings.is_final(manifest.period_end, today),
                progress=_print_progress,
                clock=clock,
            )
        except (ManifestError, FocusLoadError) as exc:
            log.error("focus_export: %s: %s", ref.period.strftime("%Y-%m"), exc)
            result.errors.append(f"{ref.period:%Y-%m}: {exc}")
            continue
        result.loads.append(loaded)
        recorder.rows_written += loaded.line_items
        log.info(
            "focus_export: %s %s (%s, %d files, %d line items, billed %s)",
            loaded.period.strftime("%Y-%m"),
            loaded.status,
            "final" if loaded.is_final else "open",
            loaded.files,
            loaded.line_items,
            loaded.billed_cost,
        )
    write_run(db, recorder.finish("; ".join(result.errors)))
    return result
