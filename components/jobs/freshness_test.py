from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from jobs.freshness import METRIC, NEVER_MINUTES, handle, minutes_since

NOW = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)


def test_minutes_since_each_collector_and_never_for_one_without_success():
    ages = minutes_since(["config_ec2", "tags"], {"config_ec2": NOW - timedelta(minutes=95)}, NOW)
    assert ages == {"config_ec2": 95.0, "tags": NEVER_MINUTES}


def test_naive_timestamps_are_read_as_utc():
    assert minutes_since(["a"], {"a": datetime(2026, 12, 6, 3, 30)}, NOW) == {"a": 30.0}


def test_handle_publishes_one_metric_per_collector():
    with mock_aws():
        cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
        ages = handle(
            {"POLO_FRESHNESS_COLLECTORS": "config_ec2,lifecycle"},
            read=lambda names: {"config_ec2": NOW - timedelta(minutes=10)},
            cloudwatch=cloudwatch,
            now=NOW,
        )
        assert ages == {"config_ec2": 10.0, "lifecycle": NEVER_MINUTES}
        metrics = cloudwatch.list_metrics(Namespace="Polo/Collectors")["Metrics"]
        assert {m["MetricName"] for m in metrics} == {METRIC}
        assert {m["Dimensions"][0]["Value"] for m in metrics} == {"config_ec2", "lifecycle"}


def test_no_collector_configured_is_an_error():
    with pytest.raises(ValueError, match="lists no collector"):
        handle({}, read=lambda names: {}, cloudwatch=None, now=NOW)
