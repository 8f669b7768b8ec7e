from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from collectors.common.hierarchy_resolver import HierarchyResolver, Node, logical_nodes
from collectors.common.models import ResourceEvent, ResourceRelationship
from collectors.common.tag_resolver import Owner, TagResolver

ACCOUNT = "123456789012"
REGION = "us-east-1"
T0 = datetime(2026, 11, 1, tzinfo=UTC)
RESOLVER = TagResolver()

TYPES = {
    "i": "ec2:instance",
    "vol": "ec2:volume",
    "eni": "ec2:network-interface",
    "eipalloc": "ec2:elastic-ip",
    "nat": "ec2:natgateway",
    "subnet": "ec2:subnet",
    "vpc": "ec2:vpc",
    "lb": "elasticloadbalancing:loadbalancer",
}
ARN_TYPES = {
    "i": "instance", "vol": "volume", "eni": "network-interface", "eipalloc": "elastic-ip",
    "nat": "natgateway", "subnet": "subnet", "vpc": "vpc",
}  # fmt: skip


def _type(resource_id: str) -> str:
    return TYPES[resource_id.split("-")[0]]


def event(resource_id: str, tags: dict[str, str] | None = None, at: datetime = T0) -> ResourceEvent:
    owner = RESOLVER.resolve(tags or {})
    prefix = resource_id.split("-")[0]
    arn = (
        f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/{resource_id}"
        if prefix == "lb"
        else f"arn:aws:ec2:{REGION}:{ACCOUNT}:{ARN_TYPES[prefix]}/{resource_id}"
    )
    return ResourceEvent(
        event_time=at,
        ingested_at=at,
        event_type="observed",
        account_id=ACCOUNT,
        region=REGION,
        resource_type=_type(resource_id),
        resource_id=resource_id,
        arn=arn,
        tags=tags or {},
        marqo_customer=owner.marqo_customer,
        marqo_cluster=owner.marqo_cluster,
        marqo_role=owner.marqo_role,
        marqo_environment=owner.marqo_environment,
        owner_rule=owner.rule,
        source="test",
    )


def edge(
    source: str, kind: str, target: str, *, start: datetime = T0, end: datetime | None = None
) -> ResourceRelationship:
    fields = {
        "account_id": ACCOUNT,
        "region": REGION,
        "relationship_type": kind,
        "source_id": source,
        "source_type": _type(source),
        "target_id": target,
        "target_type": _type(target),
        "valid_from": start,
        "ingested_at": start,
    }
    if end is not None:
        fields["valid_to"] = end
    return ResourceRelationship(**fields)


ACME = {"Customer": "Acme", "Cluster": "search", "Role": "api", "Environment": "prod"}

EVENTS = [
    event("vpc-1"),
    event("subnet-1"),
    event("i-1", ACME),
    event("vol-1", {"Role": "data"}),
    event("eni-1"),
    event("eipalloc-1"),
    event("nat-1", {"Customer": "Globex", "Role": "nat"}),
    event("eni-2"),
    event("eipalloc-2"),
    event("vol-9"),
]
EDGES = [
    edge("subnet-1", "in_vpc", "vpc-1"),
    edge("i-1", "in_subnet", "subnet-1"),
    edge("vol-1", "attached_to", "i-1"),
    edge("eni-1", "attached_to", "i-1"),
    edge("eni-1", "in_subnet", "subnet-1"),
    edge("eipalloc-1", "associated_with", "eni-1"),
    edge("eipalloc-1", "associated_with", "i-1"),
    edge("nat-1", "in_subnet", "subnet-1"),
    edge("eni-2", "attached_to", "nat-1"),
    edge("eni-2", "in_subnet", "subnet-1"),
    edge("eipalloc-2", "associated_with", "eni-2"),
]


@pytest.fixture
def resolver() -> HierarchyResolver:
    return HierarchyResolver(EVENTS, EDGES)


def ids(nodes: list[Node]) -> list[str]:
    return [n.id for n in nodes]


def test_physical_path_of_an_attached_volume(resolver: HierarchyResolver) -> None:
    path = resolver.physical_path("vol-1")
    assert ids(path) == [
        f"account:{ACCOUNT}", f"region:{ACCOUNT}/{REGION}", "vpc-1", "subnet-1", "i-1", "vol-1",
    ]  # fmt: skip
    assert [n.type for n in path][2:] == ["ec2:vpc", "ec2:subnet", "ec2:instance", "ec2:volume"]
    assert resolver.physical_parent("vol-1") == Node(id="i-1", type="ec2:instance")


def test_attachment_beats_subnet_and_association_chains(resolver: HierarchyResolver) -> None:
    assert ids(resolver.physical_path("eni-1"))[2:] == ["vpc-1", "subnet-1", "i-1", "eni-1"]
    assert ids(resolver.physical_path("eipalloc-2"))[2:] == [
        "vpc-1", "subnet-1", "nat-1", "eni-2", "eipalloc-2",
    ]  # fmt: skip


def test_unrelated_resource_hangs_under_its_region(resolver: HierarchyResolver) -> None:
    assert ids(resolver.physical_path("vol-9")) == [
        f"account:{ACCOUNT}", f"region:{ACCOUNT}/{REGION}", "vol-9",
    ]  # fmt: skip
    with pytest.raises(KeyError, match="vol-404"):
        resolver.physical_path("vol-404")


def test_own_tags_decide_the_owner(resolver: HierarchyResolver) -> None:
    owner = resolver.owner("i-1")
    assert (owner.marqo_customer, owner.marqo_cluster, owner.rule) == (
        "acme",
        "search",
        "tag:Customer",
    )
    assert ids(resolver.logical_path("i-1")) == [
        "customer:acme", "cluster:acme/search", "role:acme/search/api", "i-1",
    ]  # fmt: skip


def test_untagged_resources_inherit_through_attachment(resolver: HierarchyResolver) -> None:
    volume = resolver.owner("vol-1")
    assert volume.marqo_customer == "acme"
    assert volume.marqo_role == "data"  # its own role tag still applies
    assert volume.rule == "inherited:attached_to:i-1"
    eip = resolver.owner("eipalloc-2")  # EIP -> ENI -> NAT gateway
    assert (eip.marqo_customer, eip.rule) == ("globex", "inherited:associated_with:eni-2")
    assert resolver.logical_parent("eipalloc-2") == Node(
        id="role:globex/unattributed/nat", type="role"
    )


def test_nothing_to_inherit_is_unattributed(resolver: HierarchyResolver) -> None:
    owner = resolver.owner("vol-9")
    assert (owner.marqo_customer, owner.rule) == ("", "unattributed")
    assert ids(resolver.logical_path("vol-9")) == [
        "customer:unattributed",
        "cluster:unattributed/unattributed",
        "role:unattributed/unattributed/unattributed",
        "vol-9",
    ]


def test_load_balancer_inherits_only_from_agreeing_instances() -> None:
    events = [event("i-1", ACME), event("i-2", ACME), event("i-3"), event("lb-1"), event("lb-2"),
              event("i-4", {"Customer": "Globex"})]  # fmt: skip
    edges = [
        edge("i-1", "behind_load_balancer", "lb-1"),
        edge("i-2", "behind_load_balancer", "lb-1"),
        edge("i-3", "behind_load_balancer", "lb-1"),  # unattributed instances do not vote
        edge("i-1", "behind_load_balancer", "lb-2"),
        edge("i-4", "behind_load_balancer", "lb-2"),
    ]
    resolver = HierarchyResolver(events, edges)
    lb1 = resolver.owner("lb-1")
    assert (lb1.marqo_customer, lb1.rule) == ("acme", "inherited:behind_load_balancer:i-1")
    assert resolver.owner("lb-2").rule == "unattributed"
    # An instance behind a load balancer does not take the load balancer's owner.
    assert resolver.owner("i-3").rule == "unattributed"


def test_only_edges_valid_at_the_moment_count() -> None:
    later = T0 + timedelta(days=2)
    edges = [
        edge("vol-1", "attached_to", "i-1", end=T0 + timedelta(days=1)),
        edge("vol-1", "attached_to", "i-2", start=T0 + timedelta(days=1)),
        edge("i-1", "in_subnet", "subnet-1"),
        edge("i-2", "in_subnet", "subnet-1"),
    ]
    events = [event("vol-1"), event("i-1", ACME), event("i-2", {"Customer": "Globex"})]
    then = HierarchyResolver(events, edges, as_of=T0 + timedelta(hours=1))
    assert then.owner("vol-1").marqo_customer == "acme"
    now = HierarchyResolver(events, edges, as_of=later)
    assert now.owner("vol-1").marqo_customer == "globex"
    assert HierarchyResolver(events, edges).physical_parent("vol-1").id == "i-2"  # open edges


def test_latest_event_wins_and_cycles_terminate() -> None:
    events = [
        event("i-1", ACME),
        event("i-1", {"Customer": "Globex"}, at=T0 + timedelta(hours=1)),
        event("eni-1"),
        event("eni-2"),
    ]
    edges = [edge("eni-1", "attached_to", "eni-2"), edge("eni-2", "attached_to", "eni-1")]
    resolver = HierarchyResolver(events, edges)
    assert resolver.owner("i-1").marqo_customer == "globex"
    assert resolver.owner("eni-1").rule == "unattributed"
    # The walk stops at the first repeated node instead of looping.
    assert ids(resolver.physical_path("eni-1"))[2:] == ["eni-2", "eni-1"]


def test_logical_nodes_fill_missing_levels() -> None:
    owner = Owner(marqo_customer="acme", marqo_role="db", rule="tag:Customer")
    assert ids(logical_nodes(owner)) == [
        "customer:acme", "cluster:acme/unattributed", "role:acme/unattributed/db",
    ]  # fmt: skip
