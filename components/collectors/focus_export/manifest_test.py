from __future__ import annotations

import json
from datetime import date
from typing import Any

import boto3
import pytest
from moto import mock_aws

from collectors.focus_export.manifest import (
    ManifestError,
    ManifestRef,
    find_manifests,
    read_manifest,
    split_uri,
)

DOCUMENT = {
    "exportName": "polo-focus",
    "executionId": "e-1",
    "billingPeriod": {"start": "2026-11-01T00:00:00.000Z", "end": "2026-12-01T00:00:00.000Z"},
    "dataFiles": ["s3://bucket/cur/polo-focus/data/BILLING_PERIOD=2026-11/part-1.parquet"],
    "columns": [{"name": "BilledCost"}],
}


@pytest.fixture
def s3() -> Any:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="bucket")
        yield client


def put(s3: Any, key: str, body: object) -> None:
    s3.put_object(Bucket="bucket", Key=key, Body=json.dumps(body).encode())


def test_manifests_are_found_per_month_oldest_first_and_other_files_ignored(s3: Any) -> None:
    for month in ("2026-11", "2026-09", "2026-10"):
        put(s3, f"cur/polo-focus/metadata/BILLING_PERIOD={month}/polo-focus-Manifest.json", {})
    put(s3, "cur/polo-focus/metadata/BILLING_PERIOD=2026-11/notes.json", {})
    put(s3, "cur/other-export/metadata/BILLING_PERIOD=2026-11/other-export-Manifest.json", {})

    found = find_manifests(s3, "bucket", "cur/", "polo-focus")

    assert [ref.period for ref in found] == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]


def test_a_manifest_is_read_with_its_period_and_files(s3: Any) -> None:
    key = "cur/polo-focus/metadata/BILLING_PERIOD=2026-11/polo-focus-Manifest.json"
    put(s3, key, DOCUMENT)
    manifest = read_manifest(s3, ManifestRef(bucket="bucket", key=key, period=date(2026, 11, 1)))
    assert manifest.execution_id == "e-1"
    assert (manifest.period, manifest.period_end) == (date(2026, 11, 1), date(2026, 12, 1))
    assert manifest.data_files == tuple(DOCUMENT["dataFiles"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not json {", "not a usable manifest"),
        ({**DOCUMENT, "dataFiles": []}, "not a usable manifest"),
        ({**DOCUMENT, "dataFiles": ["https://elsewhere/x.parquet"]}, "is not an s3://bucket/key"),
        (
            {
                **DOCUMENT,
                "billingPeriod": {"start": "2026-10-01T00:00:00Z", "end": "2026-11-01T00:00:00Z"},
            },
            "billing period 2026-10 does not match its folder 2026-11",
        ),
    ],
)
def test_an_unusable_manifest_is_a_clear_error(s3: Any, document: object, message: str) -> None:
    key = "cur/polo-focus/metadata/BILLING_PERIOD=2026-11/polo-focus-Manifest.json"
    s3.put_object(
        Bucket="bucket",
        Key=key,
        Body=document.encode() if isinstance(document, str) else json.dumps(document).encode(),
    )
    with pytest.raises(ManifestError, match=message):
        read_manifest(s3, ManifestRef(bucket="bucket", key=key, period=date(2026, 11, 1)))


def test_split_uri() -> None:
    assert split_uri("s3://bucket/a/b.parquet") == ("bucket", "a/b.parquet")
