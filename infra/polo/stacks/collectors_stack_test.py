"""The collectors stack as an operator sees it: every collector deployed from its artifact, on
its schedule, with a DLQ and alarms; the rebuild runs daily; nothing more privileged than needed."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest

from polo.artifacts import PACKAGE_COMMAND, MissingArtifact
from polo.conftest import flatten, resources, write_fake_artifacts
from polo.settings import COLLECTORS, REBUILD_JOB, settings_for
from polo.stacks.clickhouse_stack import ClickHouseStack
from polo.stacks.collectors_stack import CollectorsStack

STAGING = settings_for("staging")


def _by_function_name(templates, type_: str = "AWS::Lambda::Function") -> dict[str, dict]:
    return {
        r["Properties"]["FunctionName"]: r["Properties"]
        for r in resources(templates["Collectors"], type_).values()
    }


def _logical_id_of(templates, function_name: str) -> str:
    for logical_id, r in resources(templates["Collectors"], "AWS::Lambda::Function").items():
        if r["Properties"]["FunctionName"] == function_name:
            return logical_id
    raise AssertionError(function_name)


def _rate(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"rate({hours} hour{'s' if hours > 1 else ''})"
    return f"rate({minutes} minutes)"


def test_one_function_per_collector_with_its_handler_in_the_vpc(templates):
    functions = _by_function_name(templates)
    for collector in COLLECTORS:
        props = functions[f"polo-staging-{collector.name}"]
        assert props["Handler"] == collector.handler
        assert props["Runtime"] == STAGING.lambda_runtime
        assert props["Timeout"] == collector.timeout_minutes * 60
        vpc = props["VpcConfig"]
        assert len(vpc["SecurityGroupIds"]) == 1
        assert "ClientSecurityGroup" in flatten(vpc["SecurityGroupIds"][0])
        assert all("privateSubnet" in flatten(s) for s in vpc["SubnetIds"])


def test_each_collector_runs_on_its_schedule_with_a_dead_letter_queue(templates):
    template = templates["Collectors"].to_json()["Resources"]
    rules = resources(templates["Collectors"], "AWS::Events::Rule")
    for collector in COLLECTORS:
        function_id = _logical_id_of(templates, f"polo-staging-{collector.name}")
        (rule,) = (
            r["Properties"]
            for r in rules.values()
            if "ScheduleExpression" in r["Properties"]
            and r["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
        )
        assert rule["ScheduleExpression"] == _rate(collector.period_minutes), collector.name
        (target,) = rule["Targets"]
        queue_id = target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
        queue = template[queue_id]["Properties"]
        assert queue["QueueName"] == f"polo-staging-{collector.name}-dlq"
        assert queue["SqsManagedSseEnabled"] is True
        # The function's own async failures go to the same queue.
        function = template[function_id]["Properties"]
        assert function["DeadLetterConfig"]["TargetArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}


def test_cloudtrail_lifecycle_events_feed_the_lifecycle_handler(templates):
    from collectors.lifecycle.mapping import EVENT_NAMES

    lifecycle_id = _logical_id_of(templates, "polo-staging-lifecycle")
    (rule,) = (
        r["Properties"]
        for r in resources(templates["Collectors"], "AWS::Events::Rule").values()
        if "EventPattern" in r["Properties"]
    )
    pattern = rule["EventPattern"]
    assert pattern["detail-type"] == ["AWS API Call via CloudTrail"]
    assert set(pattern["source"]) == {"aws.ec2", "aws.elasticloadbalancing"}
    expected = {name for names in EVENT_NAMES.values() for name in names}
    assert set(pattern["detail"]["eventName"]) == expected
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": [lifecycle_id, "Arn"]}
    assert "DeadLetterConfig" in rule["Targets"][0]


def test_the_attribution_rebuild_runs_daily_over_the_last_days(templates):
    function_id = _logical_id_of(templates, "polo-staging-attribution_rebuild")
    props = _by_function_name(templates)["polo-staging-attribution_rebuild"]
    assert props["Handler"] == REBUILD_JOB.handler
    env = props["Environment"]["Variables"]
    assert env["POLO_REBUILD_DAYS"] == str(STAGING.rebuild_days)
    (rule,) = (
        r["Properties"]
        for r in resources(templates["Collectors"], "AWS::Events::Rule").values()
        if r["Properties"].get("Targets", [{}])[0].get("Arn")
        == {"Fn::GetAtt": [function_id, "Arn"]}
    )
    assert rule["ScheduleExpression"] == f"cron(0 {STAGING.rebuild_hour_utc} * * ? *)"


def test_alarms_on_errors_dead_letters_and_staleness_for_every_collector(templates):
    alarms = [
        a["Properties"]
        for a in resources(templates["Collectors"], "AWS::CloudWatch::Alarm").values()
    ]
    for collector in COLLECTORS:
        function_id = _logical_id_of(templates, f"polo-staging-{collector.name}")
        errors = [
            a
            for a in alarms
            if a["MetricName"] == "Errors"
            and {"Name": "FunctionName", "Value": {"Ref": function_id}} in a["Dimensions"]
        ]
        assert len(errors) == 1, collector.name
        queue_id_prefix = collector.name.replace("_", "") + "dlq"
        dlq = [
            a
            for a in alarms
            if a["MetricName"] == "ApproximateNumberOfMessagesVisible"
            and a["Dimensions"][0]["Value"]["Fn::GetAtt"][0].startswith(queue_id_prefix)
        ]
        assert len(dlq) == 1, collector.name
        (stale,) = (
            a
            for a in alarms
            if a["MetricName"] == "MinutesSinceLastSuccess"
            and a["Dimensions"] == [{"Name": "Collector", "Value": collector.name}]
        )
        assert stale["Threshold"] == 2 * collector.period_minutes
        assert stale["ComparisonOperator"] == "GreaterThanThreshold"
        assert stale["TreatMissingData"] == "breaching"
    assert all(a["AlarmActions"] for a in alarms)


def test_collectors_role_is_least_privilege(templates):
    template = templates["Collectors"]
    roles = resources(template, "AWS::IAM::Role")
    (collectors_role_id,) = (
        logical_id
        for logical_id, r in roles.items()
        if r["Properties"].get("RoleName") == STAGING.collectors_role_name
    )
    statements = [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        if {"Ref": collectors_role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = set()
    for statement in statements:
        assert statement["Effect"] == "Allow"
        batch = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        actions.update(batch)
        assert "*" not in batch
        if "sts:AssumeRole" in batch:
            assert flatten(statement["Resource"]).endswith(f":role/{STAGING.read_role_name}")
    assert actions == {
        "sts:AssumeRole",
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
        "ssm:GetParameter",
        "sqs:SendMessage",  # its dead-letter queues
    }


def test_no_credential_is_in_a_function_environment(templates):
    for name, props in _by_function_name(templates).items():
        env = props["Environment"]["Variables"]
        assert "POLO_CLICKHOUSE_URL" not in env, name
        assert "POLO_CLICKHOUSE_SECRET_ARN" in env, name
        assert env["POLO_CLICKHOUSE_ENDPOINT"]
        assert "password" not in json.dumps(env).lower(), name
        if name.endswith(("-attribution_rebuild", "-freshness")):
            continue
        assert env["POLO_READ_ROLE_NAME"] == STAGING.read_role_name
        assert env["POLO_EXTERNAL_ID"] == {"Ref": "ExternalId"}


def test_a_missing_artifact_stops_synthesis_with_the_command_that_builds_it(tmp_path: Path):
    dist = write_fake_artifacts(tmp_path / "dist", skip=("tags",))
    app = cdk.App(outdir=str(tmp_path / "out"))
    clickhouse = ClickHouseStack(app, "CH", settings=STAGING)
    with pytest.raises(MissingArtifact) as error:
        CollectorsStack(app, "Col", settings=STAGING, clickhouse=clickhouse, dist=dist)
    message = str(error.value)
    assert "collector tags" in message
    assert str(dist / "components.collectors.tags/lambda.zip") in message
    assert PACKAGE_COMMAND in message
