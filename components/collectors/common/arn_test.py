from __future__ import annotations

import boto3
import pytest

from collectors.common.arn import (
    KNOWN_REGIONS,
    Arn,
    ArnError,
    check_arn,
    ec2_arn,
    format_arn,
    iam_role_arn,
    load_balancer_arn,
    parse_arn,
    partition_for_region,
    resource_id_from_arn,
)


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        (
            "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
            Arn("aws", "ec2", "us-east-1", "123456789012", "instance", "i-0abc"),
        ),
        (
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188",
            Arn(
                "aws",
                "elasticloadbalancing",
                "eu-west-1",
                "123456789012",
                "loadbalancer",
                "app/web/50dc6c495c0c9188",
            ),
        ),
        (
            "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:natgateway/nat-1",
            Arn("aws-us-gov", "ec2", "us-gov-west-1", "123456789012", "natgateway", "nat-1"),
        ),
        (
            "arn:aws-cn:ec2:cn-north-1:123456789012:volume/vol-1",
            Arn("aws-cn", "ec2", "cn-north-1", "123456789012", "volume", "vol-1"),
        ),
        ("arn:aws:s3:::my-bucket", Arn("aws", "s3", "", "", "", "my-bucket")),
        (
            "arn:aws:lambda:us-east-1:123456789012:function:my-fn",
            Arn("aws", "lambda", "us-east-1", "123456789012", "function", "my-fn", ":"),
        ),
        (
            "arn:aws:ec2:us-east-1::snapshot/snap-1",
            Arn("aws", "ec2", "us-east-1", "", "snapshot", "snap-1"),
        ),
    ],
)
def test_parses_and_formats_back(arn: str, expected: Arn) -> None:
    parsed = parse_arn(arn)
    assert parsed == expected
    assert str(parsed) == arn


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        ("not-an-arn", "malformed ARN"),
        ("arn:aws:ec2:us-east-1:123456789012", "malformed ARN"),
        ("arn:aws-moon:ec2:us-east-1:123456789012:instance/i-1", "unknown partition"),
        ("arn:aws:ec2:us-east-9:123456789012:instance/i-1", "unknown region"),
        ("arn:aws:ec2:cn-north-1:123456789012:instance/i-1", "belongs to partition 'aws-cn'"),
        ("arn:aws:ec2:us-east-1:12345:instance/i-1", "not 12 digits"),
        ("arn:aws:ec2:us-east-1:123456789012:", "empty resource part"),
        ("arn:aws:ec2:us-east-1:123456789012:instance/", "empty resource id"),
        ("arn:aws:EC2!:us-east-1:123456789012:instance/i-1", "invalid service"),
    ],
)
def test_rejects_malformed_arns_with_the_reason(arn: str, message: str) -> None:
    with pytest.raises(ArnError, match=message):
        parse_arn(arn)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:ec2:us-east-1:123456789012:",
        "arn:aws:ec2:us-east-1:123456789012:instance/",
        "arn:aws:ec2:us-east-1:123456789012:instance:",
        "arn:aws:ec2:us-east-9:123456789012:instance/i-1",
        "arn:aws:ec2:us-east-1:12345678901:instance/i-1",
    ],
)
def test_check_arn_rejects_what_parse_arn_rejects_after_the_prefix_passed(arn: str) -> None:
    # check_arn remembers prefixes that passed; a remembered prefix must not let a bad
    # resource part (or a near-identical bad prefix) through.
    assert check_arn("arn:aws:ec2:us-east-1:123456789012:instance/i-1").endswith("/i-1")
    assert check_arn("arn:aws:ec2:us-east-1:123456789012:volume/vol-1").endswith("vol-1")
    with pytest.raises(ArnError) as checked:
        check_arn(arn)
    with pytest.raises(ArnError) as parsed:
        parse_arn(arn)
    assert str(checked.value) == str(parsed.value)


def test_partition_follows_region() -> None:
    assert partition_for_region("eu-central-1") == "aws"
    assert partition_for_region("cn-northwest-1") == "aws-cn"
    assert partition_for_region("us-gov-east-1") == "aws-us-gov"
    with pytest.raises(ArnError, match="unknown AWS region"):
        partition_for_region("mars-1")


def test_builders_are_partition_aware() -> None:
    assert ec2_arn("us-gov-west-1", "123456789012", "instance", "i-1") == (
        "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:instance/i-1"
    )
    assert ec2_arn("cn-north-1", "123456789012", "elastic-ip", "eipalloc-1").startswith(
        "arn:aws-cn:ec2:"
    )
    assert load_balancer_arn("us-east-1", "123456789012", "web") == (
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/web"
    )
    assert load_balancer_arn("us-east-1", "123456789012", "web", "net", "abc") == (
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/web/abc"
    )
    assert iam_role_arn("aws-cn", "123456789012", "PoloReadRole") == (
        "arn:aws-cn:iam::123456789012:role/PoloReadRole"
    )


def test_builders_reject_bad_parts() -> None:
    with pytest.raises(ArnError, match="unsupported EC2 resource type"):
        ec2_arn("us-east-1", "123456789012", "bucket", "b")
    with pytest.raises(ArnError, match="empty volume id"):
        ec2_arn("us-east-1", "123456789012", "volume", "")
    with pytest.raises(ArnError, match="kind app|net|gwy"):
        load_balancer_arn("us-east-1", "123456789012", "web", "xyz", "1")
    with pytest.raises(ArnError, match="not 12 digits"):
        format_arn("aws", "ec2", "us-east-1", "1", "instance", "i-1")
    # ec2_arn remembers the prefix of a good account and region, never of a bad one.
    for _ in range(2):
        with pytest.raises(ArnError, match="'1' is not 12 digits"):
            ec2_arn("us-east-1", "1", "instance", "i-1")
        with pytest.raises(ArnError, match="unknown AWS region 'mars-1'"):
            ec2_arn("mars-1", "123456789012", "instance", "i-1")


def test_resource_ids_short_for_ec2_full_arn_otherwise() -> None:
    assert resource_id_from_arn("arn:aws:ec2:us-east-1:123456789012:instance/i-1") == "i-1"
    lb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"
    assert resource_id_from_arn(lb) == lb
    assert resource_id_from_arn("arn:aws:s3:::bucket") == "arn:aws:s3:::bucket"
    assert parse_arn(lb).polo_resource_type == "elasticloadbalancing:loadbalancer"


def test_known_regions_cover_every_ec2_region_botocore_knows() -> None:
    session = boto3.Session()
    botocore_regions = {
        region
        for partition in ("aws", "aws-cn", "aws-us-gov")
        for region in session.get_available_regions("ec2", partition_name=partition)
    }
    assert botocore_regions - KNOWN_REGIONS == set()
