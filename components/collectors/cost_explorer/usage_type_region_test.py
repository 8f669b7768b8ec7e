from __future__ import annotations

import pytest

from collectors.common.arn import KNOWN_REGIONS
from collectors.cost_explorer.usage_type_region import _PREFIX_REGIONS, region_of_usage_type


@pytest.mark.parametrize(
    ("usage_type", "region"),
    [
        ("USE1-BoxUsage:m5.large", "us-east-1"),
        ("EUC1-EBS:VolumeUsage.gp3", "eu-central-1"),
        ("EU-NatGateway-Hours", "eu-west-1"),
        ("APS3-DataTransfer-Out-Bytes", "ap-south-1"),
        ("USE1-USW2-AWS-Out-Bytes", "us-east-1"),  # inter-region: billed where it leaves
        ("BoxUsage:t3.micro", ""),  # legacy us-east-1 form names no region
        ("Global-SoftwareUsage-Contracts", ""),
        ("HostedZone", ""),
    ],
)
def test_region_comes_from_the_location_prefix(usage_type: str, region: str) -> None:
    assert region_of_usage_type(usage_type) == region


def test_every_prefix_maps_to_a_region_polo_knows() -> None:
    assert set(_PREFIX_REGIONS.values()) <= KNOWN_REGIONS
