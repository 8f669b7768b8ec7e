from __future__ import annotations

from attribution.nodes import (
    cluster_node,
    customer_node,
    logical_path,
    logical_types,
    region_node,
    resource_key,
    role_node,
)


def test_logical_path_goes_customer_cluster_role_resource() -> None:
    assert logical_path("acme", "k1", "api", "i-1") == (
        "customer:acme",
        "cluster:acme/k1",
        "role:acme/k1/api",
        "i-1",
    )
    assert logical_types("acme", "k1", "api", "ec2:instance") == (
        "customer",
        "cluster",
        "role",
        "ec2:instance",
    )


def test_empty_levels_are_skipped_and_no_customer_means_unattributed() -> None:
    assert logical_path("acme", "", "", "vol-1") == ("customer:acme", "vol-1")
    assert logical_path("acme", "", "db", "vol-1") == ("customer:acme", "role:acme//db", "vol-1")
    assert logical_path("", "", "", "vol-1") == ("customer:unattributed", "vol-1")
    assert logical_types("acme", "", "db", "ec2:volume") == ("customer", "role", "ec2:volume")


def test_node_ids_follow_the_data_model() -> None:
    assert customer_node("c") == "customer:c"
    assert cluster_node("c", "k") == "cluster:c/k"
    assert role_node("c", "k", "r") == "role:c/k/r"
    assert region_node("123456789012", "eu-west-1") == "region:123456789012/eu-west-1"


def test_cost_without_resource_becomes_a_pseudo_resource_per_service() -> None:
    assert resource_key("i-1", "123456789012", "us-east-1", "EC2") == "i-1"
    assert (
        resource_key("", "123456789012", "us-east-1", "AWS Support")
        == "unresourced:123456789012/us-east-1/AWS Support"
    )
