"""AWS Data Exports manifests: which Parquet files make up each delivery of a billing period.

An export writes, under `s3://<bucket>/<prefix>/<export name>/`:

    metadata/BILLING_PERIOD=2026-11/<export name>-Manifest.json
    data/BILLING_PERIOD=2026-11/<export name>-00001.snappy.parquet, ...

Each delivery (several a day while the month is open, then a restatement when AWS revises it)
rewrites the month's manifest with a new `executionId` and the complete list of data files for
the month: the manifest, not the listing of `data/`, says what the month is, so files of an
older delivery that are still in the bucket are never read twice.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

_PERIOD_DIR = re.compile(r"/BILLING_PERIOD=(\d{4})-(\d{2})/")


class ManifestError(ValueError):
    """A manifest that cannot be used: not JSON, missing fields, files outside the bucket."""


class BillingPeriod(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime


class Manifest(BaseModel):
    """The fields Polo reads from a Data Exports manifest (others are ignored)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    execution_id: str = Field(alias="executionId", min_length=1)
    export_name: str = Field(alias="exportName", min_length=1)
    billing_period: BillingPeriod = Field(alias="billingPeriod")
    data_files: tuple[str, ...] = Field(alias="dataFiles", min_length=1)

    @field_validator("data_files")
    @classmethod
    def _s3_uris(cls, files: tuple[str, ...]) -> tuple[str, ...]:
        for uri in files:
            if not uri.startswith("s3://") or "/" not in uri[len("s3://") :]:
                raise ValueError(f"data file {uri!r} is not an s3://bucket/key URI")
        return files

    @property
    def period(self) -> date:
        """The first day of the billing month."""
        return self.billing_period.start.astimezone(UTC).date().replace(day=1)

    @property
    def period_end(self) -> date:
        """The first day after the billing month."""
        return self.billing_period.end.astimezone(UTC).date()


class ManifestRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    bucket: str
    key: str
    period: date


def manifest_prefix(prefix: str, export_name: str) -> str:
    return "/".join(p for p in (prefix.strip("/"), export_name, "metadata") if p) + "/"


def find_manifests(s3: Any, bucket: str, prefix: str, export_name: str) -> list[ManifestRef]:
    """Every month's manifest of the export, oldest month first."""
    found: list[ManifestRef] = []
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=manifest_prefix(prefix, export_name)):
        for item in page.get("Contents", []):
            key = item["Key"]
            match = _PERIOD_DIR.search("/" + key)
            if match and key.endswith("-Manifest.json"):
                period = date(int(match.group(1)), int(match.group(2)), 1)
                found.append(ManifestRef(bucket=bucket, key=key, period=period))
    return sorted(found, key=lambda ref: ref.period)


def read_manifest(s3: Any, ref: ManifestRef) -> Manifest:
    body = s3.get_object(Bucket=ref.bucket, Key=ref.key)["Body"].read()
    try:
        manifest = Manifest.model_validate(json.loads(body))
    except (json.JSONDecodeError, UnicodeDecodeError, ValidationError) as exc:
        raise ManifestError(f"s3://{ref.bucket}/{ref.key}: not a usable manifest: {exc}") from exc
    if manifest.period != ref.period:
        raise ManifestError(
            f"s3://{ref.bucket}/{ref.key}: billing period {manifest.period:%Y-%m} "
            f"does not match its folder {ref.period:%Y-%m}"
        )
    return manifest


def split_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/key` -> (bucket, key)."""
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key
