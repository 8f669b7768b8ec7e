"""CloudTrail record builders for the lifecycle tests.

moto does not implement CloudTrail `LookupEvents` (it raises NotImplementedError), so its
responses are answered through botocore's `before-call` hook by `serve_operation` (validated
against the real service model); throttling is injected the same way, as an error code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

ACCOUNT = "111111111111"
REGION = "us-east-1"
ALICE = {
    "type": "AssumedRole",
    "principalId": "AROAEXAMPLE:alice",
    "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/alice",
    "accountId": ACCOUNT,
}


def ct_record(
    event_name: str,
    *,
    source: str = "ec2.amazonaws.com",
    request: Mapping[str, Any] | None = None,
    response: Mapping[str, Any] | None = None,
    event_id: str = "evt-1",
    at: str = "2024-03-01T12:00:00Z",
    identity: Mapping[str, Any] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    """A CloudTrail record as CloudTrail writes it (and EventBridge delivers it as `detail`)."""
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": dict(identity or ALICE),
        "eventTime": at,
        "eventSource": source,
        "eventName": event_name,
        "awsRegion": REGION,
        "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-cli/2.15.0 Python/3.11",
        "requestParameters": dict(request) if request is not None else None,
        "responseElements": dict(response) if response is not None else None,
        "requestID": f"req-{event_id}",
        "eventID": event_id,
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
    }
    if error:
        record["errorCode"] = error
        record["errorMessage"] = "failed"
    return record


def lookup_event(record: Mapping[str, Any]) -> dict[str, Any]:
    """One entry of a LookupEvents response wrapping `record`."""
    return {
        "EventId": record["eventID"],
        "EventName": record["eventName"],
        "ReadOnly": "false",
        "EventTime": datetime.fromisoformat(record["eventTime"]),
        "EventSource": record["eventSource"],
        "Username": "alice",
        "Resources": [],
        "CloudTrailEvent": json.dumps(record),
    }


def lookup_page(*records: Mapping[str, Any], token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {"Events": [lookup_event(r) for r in records]}
    if token:
        page["NextToken"] = token
    return page


def eventbridge(record: Mapping[str, Any]) -> dict[str, Any]:
    """The EventBridge envelope of a CloudTrail-delivered API call."""
    return {
        "version": "0",
        "id": "6f9b5a3e-0000-0000-0000-000000000000",
        "detail-type": "AWS API Call via CloudTrail",
        "source": "aws." + record["eventSource"].split(".")[0],
        "account": ACCOUNT,
        "time": record["eventTime"],
        "region": REGION,
        "resources": [],
        "detail": dict(record),
    }


@pytest.fixture
def cloudtrail() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("cloudtrail", region_name=REGION)
