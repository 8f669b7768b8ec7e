from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from collectors.lifecycle.conftest import ACCOUNT, ct_record
from collectors.lifecycle.mapping import ELB, EVENT_NAMES, CloudTrailRecordError, map_record

NOW = datetime(2024, 3, 1, 12, 5, tzinfo=UTC)
LB_V2 = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/web/50dc6c495c0c9188"
TG = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/web/73e2d6bc24d8a067"
INSTANCES = {"instancesSet": {"items": [{"instanceId": "i-0aaa"}]}}


def mapped(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(e.action, e.resource_type, e.resource_id) for e in map_record(record, ingested_at=NOW)]


@pytest.mark.parametrize(
    ("name", "request_", "response", "expected"),
    [
        (
            "RunInstances",
            {},
            {"instancesSet": {"items": [{"instanceId": "i-0aaa"}, {"instanceId": "i-0bbb"}]}},
            [("create", "ec2:instance", "i-0aaa"), ("create", "ec2:instance", "i-0bbb")],
        ),
        ("TerminateInstances", INSTANCES, None, [("terminate", "ec2:instance", "i-0aaa")]),
        ("StopInstances", INSTANCES, None, [("modify", "ec2:instance", "i-0aaa")]),
        ("StartInstances", INSTANCES, None, [("modify", "ec2:instance", "i-0aaa")]),
        (
            "ModifyInstanceAttribute",
            {"instanceId": "i-0aaa", "instanceType": {"value": "m5.xlarge"}},
            None,
            [("modify", "ec2:instance", "i-0aaa")],
        ),
        ("CreateVolume", {"size": 100}, {"volumeId": "vol-1"}, [("create", "ec2:volume", "vol-1")]),
        ("DeleteVolume", {"volumeId": "vol-1"}, None, [("terminate", "ec2:volume", "vol-1")]),
        (
            "ModifyVolume",
            {"ModifyVolumeRequest": {"VolumeId": "vol-1", "Size": 200}},
            None,
            [("modify", "ec2:volume", "vol-1")],
        ),
        (
            "AttachVolume",
            {"volumeId": "vol-1", "instanceId": "i-0aaa"},
            None,
            [("attach", "ec2:volume", "vol-1")],
        ),
        ("DetachVolume", {"volumeId": "vol-1"}, None, [("detach", "ec2:volume", "vol-1")]),
        (
            "CreateNatGateway",
            {"CreateNatGatewayRequest": {"SubnetId": "subnet-1"}},
            {"CreateNatGatewayResponse": {"natGateway": {"natGatewayId": "nat-1"}}},
            [("create", "ec2:natgateway", "nat-1")],
        ),
        (
            "DeleteNatGateway",
            {"DeleteNatGatewayRequest": {"NatGatewayId": "nat-1"}},
            None,
            [("terminate", "ec2:natgateway", "nat-1")],
        ),
        (
            "AllocateAddress",
            {"domain": "vpc"},
            {"allocationId": "eipalloc-1", "publicIp": "1.2.3.4"},
            [("create", "ec2:elastic-ip", "eipalloc-1")],
        ),
        (
            "ReleaseAddress",
            {"allocationId": "eipalloc-1"},
            None,
            [("terminate", "ec2:elastic-ip", "eipalloc-1")],
        ),
        (
            "AssociateAddress",
            {"allocationId": "eipalloc-1", "instanceId": "i-0aaa"},
            None,
            [("attach", "ec2:elastic-ip", "eipalloc-1")],
        ),
        (
            "DisassociateAddress",
            {"associationId": "eipassoc-1"},
            None,
            [("detach", "ec2:elastic-ip", "eipassoc-1")],
        ),
        (
            "CreateTags",
            {
                "resourcesSet": {
                    "items": [
                        {"resourceId": "vol-1"},
                        {"resourceId": "i-0aaa"},
                        {"resourceId": "sg-1"},
                    ]
                },
                "tagSet": {"items": [{"key": "Customer", "value": "acme"}]},
            },
            None,
            [("tag", "ec2:volume", "vol-1"), ("tag", "ec2:instance", "i-0aaa")],
        ),
        (
            "DeleteTags",
            {"resourcesSet": {"items": [{"resourceId": "nat-1"}]}},
            None,
            [("untag", "ec2:natgateway", "nat-1")],
        ),
    ],
)
def test_ec2_calls_map_to_actions_on_resources(
    name: str, request_: dict, response: dict | None, expected: list
) -> None:
    assert mapped(ct_record(name, request=request_, response=response)) == expected


@pytest.mark.parametrize(
    ("name", "request_", "response", "expected"),
    [
        (
            "CreateLoadBalancer",
            {"name": "web", "type": "application"},
            {"loadBalancers": [{"loadBalancerArn": LB_V2}]},
            [("create", "elasticloadbalancing:loadbalancer", LB_V2)],
        ),
        (
            "CreateLoadBalancer",
            {"loadBalancerName": "classic"},
            {"dNSName": "x"},
            [
                (
                    "create",
                    "elasticloadbalancing:loadbalancer",
                    f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/classic",
                )
            ],
        ),
        (
            "DeleteLoadBalancer",
            {"loadBalancerArn": LB_V2},
            None,
            [("terminate", "elasticloadbalancing:loadbalancer", LB_V2)],
        ),
        (
            "RegisterTargets",
            {"targetGroupArn": TG, "targets": [{"id": "i-0aaa", "port": 80}, {"id": "10.0.0.7"}]},
            None,
            [
                ("attach", "ec2:instance", "i-0aaa"),
                ("attach", "elasticloadbalancing:ip-target", "10.0.0.7"),
            ],
        ),
        (
            "DeregisterTargets",
            {"targetGroupArn": TG, "targets": [{"id": "i-0aaa"}]},
            None,
            [("detach", "ec2:instance", "i-0aaa")],
        ),
        (
            "AddTags",
            {"resourceArns": [LB_V2, TG], "tags": [{"key": "Customer", "value": "a"}]},
            None,
            [
                ("tag", "elasticloadbalancing:loadbalancer", LB_V2),
                ("tag", "elasticloadbalancing:targetgroup", TG),
            ],
        ),
        (
            "RemoveTags",
            {"resourceArns": [LB_V2], "tagKeys": ["Customer"]},
            None,
            [("untag", "elasticloadbalancing:loadbalancer", LB_V2)],
        ),
    ],
)
def test_load_balancer_calls_map_with_arns_as_ids(
    name: str, request_: dict, response: dict | None, expected: list
) -> None:
    assert mapped(ct_record(name, source=ELB, request=request_, response=response)) == expected


def test_every_column_comes_from_the_record() -> None:
    [event] = map_record(
        ct_record("DeleteVolume", request={"volumeId": "vol-1"}, event_id="e-42"), ingested_at=NOW
    )
    assert event.to_row() == {
        "event_id": "e-42",
        "event_time": datetime(2024, 3, 1, 12, 0, tzinfo=UTC),
        "ingested_at": NOW,
        "account_id": ACCOUNT,
        "region": "us-east-1",
        "event_source": "ec2.amazonaws.com",
        "event_name": "DeleteVolume",
        "action": "terminate",
        "resource_type": "ec2:volume",
        "resource_id": "vol-1",
        "actor_arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Admin/alice",
        "actor_type": "AssumedRole",
        "source_ip": "203.0.113.10",
        "user_agent": "aws-cli/2.15.0 Python/3.11",
        "request_id": "req-e-42",
    }


def test_a_service_acting_on_its_own_is_named_by_its_service() -> None:
    identity = {"type": "AWSService", "invokedBy": "autoscaling.amazonaws.com"}
    [event] = map_record(
        ct_record("TerminateInstances", request=INSTANCES, identity=identity), ingested_at=NOW
    )
    assert (event.actor_arn, event.actor_type) == ("autoscaling.amazonaws.com", "AWSService")


def test_failed_calls_and_unmapped_calls_produce_nothing() -> None:
    failed = ct_record("RunInstances", request={}, response=None, error="Client.DryRunOperation")
    assert map_record(failed, ingested_at=NOW) == []
    assert map_record(ct_record("CreateSecurityGroup", request={}), ingested_at=NOW) == []


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (ct_record("DeleteVolume", request={}), "no resource id at requestParameters.volumeId"),
        (
            {**ct_record("DeleteVolume", request={"volumeId": "v"}), "eventID": ""},
            "without eventID",
        ),
        (
            {**ct_record("DeleteVolume", request={"volumeId": "v"}), "eventTime": "yesterday"},
            "bad eventTime",
        ),
        (
            {**ct_record("DeleteVolume", request={"volumeId": "v"}), "awsRegion": "mars-1"},
            "unknown AWS region",
        ),
    ],
)
def test_a_mapped_call_missing_what_a_row_needs_is_a_clear_error(
    record: dict, message: str
) -> None:
    with pytest.raises(CloudTrailRecordError, match=message):
        map_record(record, ingested_at=NOW)


def test_the_issue_s_event_names_are_all_mapped() -> None:
    wanted = {
        "RunInstances",
        "TerminateInstances",
        "ModifyInstanceAttribute",
        "CreateVolume",
        "DeleteVolume",
        "AttachVolume",
        "DetachVolume",
        "CreateNatGateway",
        "DeleteNatGateway",
        "AllocateAddress",
        "ReleaseAddress",
        "AssociateAddress",
        "DisassociateAddress",
        "CreateLoadBalancer",
        "DeleteLoadBalancer",
        "RegisterTargets",
        "DeregisterTargets",
        "CreateTags",
        "DeleteTags",
        "StopInstances",
        "StartInstances",
    }
    assert wanted <= {name for names in EVENT_NAMES.values() for name in names}
