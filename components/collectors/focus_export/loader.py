"""Load one delivery of a FOCUS export (a manifest) into ClickHouse, replacing its month.

The engine reads the Parquet itself (`INSERT INTO cost_focus_staging SELECT ... FROM s3(...)`,
one statement per data file); nothing goes through Python row by row. Then:

1. every staged line must belong to the manifest's month, or the load stops (FocusLoadError);
2. `REPLACE PARTITION` swaps the month into `cost_focus_line_items` atomically: a reader sees
   the previous delivery or this one, never a mix, and a failure before this step (a malformed
   file, a file that is missing) leaves the previous delivery in place;
3. if the month is **final**, its daily cost replaces the month of `cost_daily` the same way
   (the export wins over Cost Explorer once final: docs/cost-sources.md), written as final
   (`is_provisional = 0`), which Cost Explorer runs never rewrite;
4. the delivery is recorded in `focus_export_loads`; a manifest whose execution id is already
   recorded (and no newly final month) is skipped, so re-runs and re-deliveries are no-ops.

The staging partition is dropped at the start and at the end, so an interrupted load leaves
nothing behind that the next one would pick up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from clickhouse.client import ClickHouseError, PoloClickHouse
from collectors.focus_export.columns import TARGET_COLUMNS, FocusSchemaError, select_list
from collectors.focus_export.manifest import Manifest, split_uri

LINE_ITEMS = "cost_focus_line_items"
STAGING = "cost_focus_staging"
COST_STAGING = "cost_daily_focus_staging"
LOADS = "focus_export_loads"

# file number, files in the delivery, line items so far, seconds so far
Progress = Callable[[int, int, int, float], None]


class FocusLoadError(Exception):
    """A delivery that cannot be loaded; the month keeps its previous delivery."""


class S3Reader(BaseModel):
    """How the ClickHouse engine reaches the export's files: an `s3(...)` table function.

    The credentials are bound as query parameters, never spliced into SQL text. `endpoint`
    (path-style, e.g. a test's moto server) replaces AWS's virtual-hosted URL when set.
    """

    model_config = ConfigDict(frozen=True)

    region: str = "us-east-1"
    endpoint: str | None = None
    access_key_id: str
    secret_access_key: str
    session_token: str = ""

    def url(self, bucket: str, key: str) -> str:
        if self.endpoint:
            return f"{self.endpoint.rstrip('/')}/{bucket}/{key}"
        return f"https://{bucket}.s3.{self.region}.amazonaws.com/{key}"

    def table_function(self) -> str:
        token = ", {s3_token:String}" if self.session_token else ""
        return f"s3({{s3_url:String}}, {{s3_key:String}}, {{s3_secret:String}}{token}, 'Parquet')"

    def parameters(self, bucket: str, key: str) -> dict[str, str]:
        bound = {
            "s3_url": self.url(bucket, key),
            "s3_key": self.access_key_id,
            "s3_secret": self.secret_access_key,
        }
        if self.session_token:
            bound["s3_token"] = self.session_token
        return bound


class LoadResult(BaseModel):
    export_name: str
    period: date
    execution_id: str
    status: Literal["loaded", "unchanged"]
    files: int = 0
    line_items: int = 0
    billed_cost: Decimal = Decimal(0)
    is_final: bool = False
    seconds: float = 0.0


class PreviousLoad(BaseModel):
    execution_id: str
    is_final: bool


def previous_load(db: PoloClickHouse, export_name: str, period: date) -> PreviousLoad | None:
    rows = db.query(
        "focus.previous_load",
        f"SELECT execution_id, is_final FROM {LOADS} FINAL "
        "WHERE export_name = {export:String} AND billing_period = {period:Date}",
        {"export": export_name, "period": period},
    ).result_rows
    if not rows:
        return None
    return PreviousLoad(execution_id=rows[0][0], is_final=bool(rows[0][1]))


def _partition(period: date) -> int:
    return period.year * 100 + period.month


def describe(db: PoloClickHouse, reader: S3Reader, uri: str) -> dict[str, str]:
    """A data file's columns (name -> ClickHouse type), read from its Parquet footer."""
    bucket, key = split_uri(uri)
    try:
        rows = db.query(
            "focus.describe",
            f"DESCRIBE TABLE {reader.table_function()}",
            reader.parameters(bucket, key),
        ).result_rows
    except ClickHouseError as exc:
        raise FocusLoadError(f"{uri}: cannot be read as Parquet: {exc.message}") from exc
    return {row[0]: row[1] for row in rows}


def _stage_file(db: PoloClickHouse, reader: S3Reader, manifest: Manifest, uri: str) -> int:
    try:
        select = select_list(describe(db, reader, uri), uri)
    except FocusSchemaError as exc:
        raise FocusLoadError(str(exc)) from exc
    bucket, key = split_uri(uri)
    parameters: Mapping[str, str] = {
        **reader.parameters(bucket, key),
        "execution_id": manifest.execution_id,
        "source_file": uri,
    }
    try:
        db.command(
            "focus.stage_file",
            f"INSERT INTO {STAGING} ({', '.join(TARGET_COLUMNS)})\n"
            f"SELECT\n    {select}\nFROM {reader.table_function()}",
            parameters,
        )
    except ClickHouseError as exc:
        raise FocusLoadError(f"{uri}: {exc.message}") from exc
    return int(
        db.query(
            "focus.staged_rows",
            f"SELECT count() FROM {STAGING} WHERE source_file = {{uri:String}}",
            {"uri": uri},
        ).result_rows[0][0]
    )


def _check_month(db: PoloClickHouse, manifest: Manifest) -> tuple[int, Decimal]:
    count, outside, billed = db.query(
        "focus.check_month",
        "SELECT count(), countIf(billing_period != {period:Date} OR charge_date < {period:Date} "
        f"OR charge_date >= {{end:Date}}), sum(billed_cost) FROM {STAGING} "
        "WHERE execution_id = {execution_id:String}",
        {
            "period": manifest.period,
            "end": manifest.period_end,
            "execution_id": manifest.execution_id,
        },
    ).result_rows[0]
    if outside:
        raise FocusLoadError(
            f"delivery {manifest.execution_id}: {outside} of {count} line items are outside "
            f"the billing period {manifest.period:%Y-%m}; nothing was loaded"
        )
    return int(count), Decimal(billed)


def _replace_cost_daily(db: PoloClickHouse, period: date, partition: int) -> None:
    """The month's cost_daily from the export: one row per cost_daily key, to 6 places."""
    db.command("focus.clear_cost_staging", f"ALTER TABLE {COST_STAGING} DROP PARTITION {partition}")
    # Grouped by cost_daily's ordering key (its ReplacingMergeTree key). A line that is not
    # usage keeps its charge category as its name (a credit against an instance's hours is the
    # instance's 'Credit' line, not netted into its usage), and a correction of an earlier
    # period is an 'Adjustment': what the delta by charge category reads (docs/cost-sources.md).
    db.command(
        "focus.cost_daily",
        f"""
INSERT INTO {COST_STAGING} (charge_period_start, account_id, region, service_name, usage_type,
    resource_id, billed_cost, effective_cost, consumed_quantity, pricing_unit, is_provisional,
    collected_at)
SELECT charge_date, account_id, any(region), service_name,
    multiIf(charge_class = 'Correction', 'Adjustment', charge_category != 'Usage', charge_category,
            usage_type = '', 'Usage', usage_type) AS line_usage_type, resource_id,
    toDecimal64(round(sum(billed_cost), 6), 6), toDecimal64(round(sum(effective_cost), 6), 6),
    toDecimal128(round(sumIf(consumed_quantity, line_usage_type = usage_type), 6), 6),
    anyIf(pricing_unit, pricing_unit != ''), 0, now64(3, 'UTC')
FROM {LINE_ITEMS}
WHERE billing_period = {{period:Date}}
GROUP BY charge_date, account_id, service_name, line_usage_type, resource_id""",
        {"period": period},
    )
    db.command(
        "focus.swap_cost_daily",
        f"ALTER TABLE cost_daily REPLACE PARTITION {partition} FROM {COST_STAGING}",
    )
    db.command("focus.clear_cost_staging", f"ALTER TABLE {COST_STAGING} DROP PARTITION {partition}")


def load_delivery(
    db: PoloClickHouse,
    reader: S3Reader,
    manifest: Manifest,
    *,
    final: bool,
    progress: Progress | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> LoadResult:
    """Load `manifest`'s files as its month (see the module docstring for the guarantees)."""
    started = time.perf_counter()
    previous = previous_load(db, manifest.export_name, manifest.period)
    if (
        previous is not None
        and previous.execution_id == manifest.execution_id
        and (previous.is_final or not final)
    ):
        return LoadResult(
            export_name=manifest.export_name,
            period=manifest.period,
            execution_id=manifest.execution_id,
            status="unchanged",
            is_final=previous.is_final,
        )
    partition = _partition(manifest.period)
    report = progress or (lambda _file, _files, _rows, _seconds: None)
    db.command("focus.clear_staging", f"ALTER TABLE {STAGING} DROP PARTITION {partition}")
    try:
        staged = 0
        for number, uri in enumerate(manifest.data_files, start=1):
            staged += _stage_file(db, reader, manifest, uri)
            report(number, len(manifest.data_files), staged, time.perf_counter() - started)
        count, billed = _check_month(db, manifest)
        db.command(
            "focus.swap_month",
            f"ALTER TABLE {LINE_ITEMS} REPLACE PARTITION {partition} FROM {STAGING}",
        )
    finally:
        db.command("focus.clear_staging", f"ALTER TABLE {STAGING} DROP PARTITION {partition}")
    if final:
        _replace_cost_daily(db, manifest.period, partition)
    db.insert_rows(
        LOADS,
        [
            {
                "export_name": manifest.export_name,
                "billing_period": manifest.period,
                "execution_id": manifest.execution_id,
                "files": len(manifest.data_files),
                "line_items": count,
                "billed_cost": billed,
                "is_final": int(final),
                "loaded_at": clock(),
            }
        ],
    )
    return LoadResult(
        export_name=manifest.export_name,
        period=manifest.period,
        execution_id=manifest.execution_id,
        status="loaded",
        files=len(manifest.data_files),
        line_items=count,
        billed_cost=billed,
        is_final=final,
        seconds=time.perf_counter() - started,
    )
