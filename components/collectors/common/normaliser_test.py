from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from collectors.common.normaliser import (
    REJECTED_TAGS_ATTRIBUTE,
    Observation,
    clean_tags,
    normalise_address,
    normalise_classic_load_balancer,
    normalise_instance,
    normalise_load_balancer_v2,
    normalise_nat_gateway,
    normalise_network_interface,
    normalise_snapshot,
    normalise_subnet,
    normalise_tagged_resource,
    normalise_volume,
    normalise_vpc,
)
from collectors.common.tag_resolver import TagResolver

ACCOUNT = "123456789012"
REGION = "eu-west-1"
OBSERVED = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
CONTEXT = Observation(ACCOUNT, REGION, OBSERVED, TagResolver(), "run-1")
LAUNCH = datetime(2026, 10, 1, 8, 30, tzinfo=UTC)

INSTANCE = {
    "InstanceId": "i-0a1b2c3d4e5f60718",
    "InstanceType": "m5.large",
    "ImageId": "ami-12c6146b",
    "LaunchTime": LAUNCH,
    "Placement": {"AvailabilityZone": "eu-west-1a", "Tenancy": "default"},
    "State": {"Code": 16, "Name": "running"},
    "SubnetId": "subnet-1",
    "VpcId": "vpc-1",
    "PrivateIpAddress": "10.0.0.4",
    "Architecture": "x86_64",
    "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeId": "vol-1"}}],
    "NetworkInterfaces": [{"NetworkInterfaceId": "eni-1"}],
    "Tags": [{"Key": "Customer", "Value": "Acme"}, {"Key": "Role", "Value": "api"}],
}


def test_instance() -> None:
    event = normalise_instance(INSTANCE, CONTEXT)
    assert event.resource_type == "ec2:instance"
    assert event.resource_id == "i-0a1b2c3d4e5f60718"
    assert event.arn == "arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b2c3d4e5f60718"
    assert event.state == "running"
    assert event.event_type == "observed"
    assert event.event_time == OBSERVED
    assert event.source == "config_ec2"
    assert event.collector_run_id == "run-1"
    assert event.tags == {"Customer": "Acme", "Role": "api"}
    assert (event.marqo_customer, event.marqo_role, event.owner_rule) == (
        "acme",
        "api",
        "tag:Customer",
    )
    assert event.attributes == {
        "instance_type": "m5.large",
        "availability_zone": "eu-west-1a",
        "tenancy": "default",
        "vpc_id": "vpc-1",
        "subnet_id": "subnet-1",
        "image_id": "ami-12c6146b",
        "architecture": "x86_64",
        "lifecycle": "on-demand",
        "launch_time": "2026-10-01T08:30:00+00:00",
        "private_ip": "10.0.0.4",
        "volume_ids": "vol-1",
        "network_interface_ids": "eni-1",
    }


def test_volume_attached_and_detached() -> None:
    attached = normalise_volume(
        {
            "VolumeId": "vol-1",
            "Size": 200,
            "VolumeType": "gp3",
            "Iops": 3000,
            "AvailabilityZone": "eu-west-1a",
            "State": "in-use",
            "Encrypted": True,
            "Attachments": [{"InstanceId": "i-1", "State": "attached"}],
        },
        CONTEXT,
    )
    assert attached.state == "in-use"
    assert attached.attributes["attached_instance_ids"] == "i-1"
    assert attached.attributes["encrypted"] == "true"
    assert attached.attributes["size_gib"] == "200"
    detached = normalise_volume({"VolumeId": "vol-2", "State": "available"}, CONTEXT)
    assert "attached_instance_ids" not in detached.attributes
    assert detached.owner_rule == "unattributed"


def test_snapshot_nat_address_eni() -> None:
    snapshot = normalise_snapshot(
        {"SnapshotId": "snap-1", "VolumeId": "vol-1", "State": "completed", "VolumeSize": 50},
        CONTEXT,
    )
    assert snapshot.arn == "arn:aws:ec2:eu-west-1:123456789012:snapshot/snap-1"
    nat = normalise_nat_gateway(
        {
            "NatGatewayId": "nat-1",
            "State": "available",
            "SubnetId": "subnet-1",
            "VpcId": "vpc-1",
            "NatGatewayAddresses": [
                {"AllocationId": "eipalloc-1", "NetworkInterfaceId": "eni-9", "PublicIp": "1.2.3.4"}
            ],
        },
        CONTEXT,
    )
    assert nat.resource_type == "ec2:natgateway"
    assert nat.attributes["network_interface_ids"] == "eni-9"
    assert nat.attributes["connectivity_type"] == "public"
    associated = normalise_address(
        {"AllocationId": "eipalloc-2", "PublicIp": "5.6.7.8", "InstanceId": "i-1"}, CONTEXT
    )
    assert (associated.resource_id, associated.state) == ("eipalloc-2", "associated")
    free = normalise_address({"AllocationId": "eipalloc-3", "PublicIp": "9.9.9.9"}, CONTEXT)
    assert free.state == "unassociated"
    classic = normalise_address({"PublicIp": "8.8.4.4", "InstanceId": ""}, CONTEXT)
    assert (classic.resource_id, classic.state) == ("8.8.4.4", "unassociated")
    eni = normalise_network_interface(
        {
            "NetworkInterfaceId": "eni-1",
            "Status": "in-use",
            "InterfaceType": "interface",
            "Attachment": {"InstanceId": "i-1", "Status": "attached"},
            "TagSet": [{"Key": "customer_id", "Value": "Globex"}],
        },
        CONTEXT,
    )
    assert eni.attributes["attached_instance_id"] == "i-1"
    assert (eni.marqo_customer, eni.owner_rule) == ("globex", "tag:customer_id")


def test_load_balancers_use_their_arn_as_id() -> None:
    arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/abc123"
    alb = normalise_load_balancer_v2(
        {
            "LoadBalancerArn": arn,
            "LoadBalancerName": "web",
            "Type": "application",
            "State": {"Code": "active"},
            "AvailabilityZones": [{"ZoneName": "eu-west-1a", "SubnetId": "subnet-1"}],
        },
        CONTEXT,
        tags=[{"Key": "Customer", "Value": "acme"}],
    )
    assert (alb.resource_id, alb.arn, alb.state) == (arn, arn, "active")
    assert alb.resource_type == "elasticloadbalancing:loadbalancer"
    assert alb.marqo_customer == "acme"
    classic = normalise_classic_load_balancer(
        {"LoadBalancerName": "legacy", "Instances": [{"InstanceId": "i-2"}, {"InstanceId": "i-1"}]},
        CONTEXT,
    )
    assert classic.resource_id == (
        "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/legacy"
    )
    assert classic.attributes["instance_ids"] == "i-1,i-2"
    assert classic.attributes["type"] == "classic"


def test_vpc_subnet_and_tagging_api_mapping() -> None:
    assert normalise_vpc({"VpcId": "vpc-1", "State": "available"}, CONTEXT).arn.endswith(
        ":vpc/vpc-1"
    )
    subnet = normalise_subnet({"SubnetId": "subnet-1", "VpcId": "vpc-1"}, CONTEXT)
    assert subnet.attributes == {"vpc_id": "vpc-1"}
    bucket = normalise_tagged_resource(
        {"ResourceARN": "arn:aws:s3:::acme-logs", "Tags": [{"Key": "Customer", "Value": "Acme"}]},
        CONTEXT,
    )
    assert (bucket.resource_type, bucket.resource_id) == ("s3", "arn:aws:s3:::acme-logs")
    assert (bucket.event_type, bucket.source) == ("tagged", "tags")
    instance = normalise_tagged_resource(
        {"ResourceARN": "arn:aws:ec2:eu-west-1:123456789012:instance/i-1", "Tags": []}, CONTEXT
    )
    assert (instance.resource_type, instance.resource_id) == ("ec2:instance", "i-1")


def test_clean_tags_accepts_limits_and_unicode() -> None:
    tags, rejected = clean_tags(
        [
            {"Key": "k" * 128, "Value": "v" * 256},
            {"Key": "Ünïcode-Schlüssel", "Value": "値 ✓"},
            {"Key": "empty-value", "Value": ""},
        ]
    )
    assert rejected == []
    assert tags == {"k" * 128: "v" * 256, "Ünïcode-Schlüssel": "値 ✓", "empty-value": ""}


def test_malformed_tags_are_rejected_recorded_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    raw = {
        **INSTANCE,
        "Tags": [
            {"Key": "Customer", "Value": "Acme"},
            {"Key": "", "Value": "orphan value"},
            {"Key": "  ", "Value": "blank key"},
            {"Key": "k" * 129, "Value": "long key"},
            {"Key": "Description", "Value": "v" * 257},
            {"Key": "Count", "Value": 3},
            {"Key": "Schlüssel", "Value": "値" * 256},
        ],
    }
    with caplog.at_level(logging.WARNING):
        event = normalise_instance(raw, CONTEXT)
    assert event.tags == {"Customer": "Acme", "Schlüssel": "値" * 256}
    assert event.marqo_customer == "acme"
    rejected = json.loads(event.attributes[REJECTED_TAGS_ATTRIBUTE])
    assert rejected == [
        {"key": "", "value": "orphan value", "reason": "empty key"},
        {"key": "  ", "value": "blank key", "reason": "empty key"},
        {"key": "k" * 129, "value": "long key", "reason": "key longer than 128 characters (129)"},
        {
            "key": "Description",
            "value": "v" * 257,
            "reason": "value longer than 256 characters (257)",
        },
        {"key": "Count", "value": "3", "reason": "key and value must be strings"},
    ]
    assert "5 tag(s) rejected" in caplog.text
    assert "i-0a1b2c3d4e5f60718" in caplog.text


def test_missing_tags_and_mapping_tags() -> None:
    assert clean_tags(None) == ({}, [])
    assert clean_tags({"a": "b", "c": None}) == ({"a": "b", "c": ""}, [])


def test_tags_missing_a_value_or_with_a_null_value_keep_an_empty_value() -> None:
    tags, rejected = clean_tags(
        [{"Key": "a"}, {"Key": "b", "Value": None}, {"Key": "c", "Value": "x"}]
    )
    assert (tags, rejected) == ({"a": "", "b": "", "c": "x"}, [])
    tags, rejected = clean_tags([{"Value": "no key"}, {"Key": "ok", "Value": "v"}])
    assert tags == {"ok": "v"}
    assert rejected == [
        {"key": "None", "value": "no key", "reason": "key and value must be strings"}
    ]


def test_one_observation_ingests_its_events_at_one_millisecond_moment() -> None:
    observation = Observation(ACCOUNT, REGION, OBSERVED, TagResolver(), "run-1")
    first = normalise_instance(INSTANCE, observation)
    second = normalise_volume({"VolumeId": "vol-1", "State": "available"}, observation)
    assert first.ingested_at == second.ingested_at == observation.ingested_at
    assert observation.ingested_at.tzinfo is UTC
    assert observation.ingested_at.microsecond % 1000 == 0
    later = Observation.for_run(ACCOUNT, REGION, observed_at=OBSERVED)
    # A later observation of the same moment is the newer version (ReplacingMergeTree).
    assert normalise_instance(INSTANCE, later).ingested_at >= first.ingested_at


def test_attributes_keep_zeros_and_false_and_drop_empty_values() -> None:
    volume = normalise_volume(
        {
            "VolumeId": "vol-3",
            "State": "available",
            "Size": 0,
            "Iops": None,
            "Throughput": Decimal("0"),
            "Encrypted": False,
            "MultiAttachEnabled": True,
            "VolumeType": "",
            "SnapshotId": "snap-1",
            "CreateTime": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
            "Attachments": [{"InstanceId": "i-2"}, {"InstanceId": "i-1"}],
        },
        CONTEXT,
    )
    assert volume.attributes == {
        "size_gib": "0",
        "throughput": "0",
        "encrypted": "false",
        "multi_attach": "true",
        "snapshot_id": "snap-1",
        "create_time": "2026-01-02T01:04:05+00:00",
        "attached_instance_ids": "i-1,i-2",
    }
    empty = normalise_volume({"VolumeId": "vol-4", "Attachments": []}, CONTEXT)
    assert empty.attributes == {}
