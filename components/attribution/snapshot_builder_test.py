from __future__ import annotations

from datetime import UTC, date, datetime

from attribution.snapshot_builder import Edge, ResourceState, build_snapshots, resolve_owners

DAY = date(2026, 3, 10)
BEFORE = datetime(2026, 3, 9, 12, tzinfo=UTC)
DURING = datetime(2026, 3, 10, 12, tzinfo=UTC)


def state(rid: str, rtype: str = "ec2:instance", customer: str = "", **kw: object) -> ResourceState:
    fields: dict[str, object] = {
        "account_id": "111111111111",
        "region": "eu-west-1",
        "resource_type": rtype,
        "resource_id": rid,
        "arn": f"arn:aws:ec2:eu-west-1:111111111111:x/{rid}",
        "state": "running",
        "tags": {"Customer": customer} if customer else {},
        "marqo_customer": customer,
        "marqo_cluster": "k1" if customer else "",
        "marqo_role": "",
        "marqo_environment": "",
        "owner_rule": "tag:Customer" if customer else "unattributed",
        "attributes": {},
        "last_event_type": "observed",
        "last_change": BEFORE,
    }
    fields.update(kw)
    return ResourceState(**fields)


def edge(kind: str, source: str, target: str, target_type: str = "ec2:instance") -> Edge:
    return Edge(relationship_type=kind, source_id=source, target_id=target, target_type=target_type)


def by_id(rows):
    return {r.resource_id: r for r in rows}


def test_own_tags_win_over_any_inherited_owner() -> None:
    states = [state("i-1", customer="acme"), state("vol-1", "ec2:volume", customer="globex")]
    owners = resolve_owners(states, [edge("attached_to", "vol-1", "i-1")])
    assert (owners["vol-1"].customer, owners["vol-1"].rule) == ("globex", "tag:Customer")


def test_inheritance_follows_precedence_and_chains() -> None:
    states = [
        state("i-1", customer="acme"),
        state("lb-1", "elasticloadbalancing:loadbalancer", customer="globex"),
        state("i-2"),  # untagged: attached? no; behind lb-1 and in a tagged subnet
        state("subnet-1", "ec2:subnet", customer="initech"),
        state("eni-1", "ec2:network-interface"),
        state("eip-1", "ec2:elastic-ip", state="associated"),
        state("vol-1", "ec2:volume", state="in-use"),
    ]
    edges = [
        edge("attached_to", "vol-1", "i-1"),
        edge("in_subnet", "vol-1", "subnet-1", "ec2:subnet"),
        edge("behind_load_balancer", "i-2", "lb-1", "elasticloadbalancing:loadbalancer"),
        edge("in_subnet", "i-2", "subnet-1", "ec2:subnet"),
        edge("attached_to", "eni-1", "i-1"),
        edge("associated_with", "eip-1", "eni-1", "ec2:network-interface"),
    ]
    owners = resolve_owners(states, edges)
    assert (owners["vol-1"].customer, owners["vol-1"].rule) == ("acme", "inherited:attached_to:i-1")
    assert (owners["i-2"].customer, owners["i-2"].rule) == (
        "globex",
        "inherited:behind_load_balancer:lb-1",
    )
    assert (owners["eip-1"].customer, owners["eip-1"].rule) == (
        "acme",
        "inherited:associated_with:eni-1",
    )
    assert owners["eip-1"].cluster == "k1"


def test_no_owner_anywhere_is_the_explicit_unattributed_owner_keeping_partial_tags() -> None:
    states = [state("vol-9", "ec2:volume", marqo_role="db"), state("a"), state("b")]
    # A cycle between two untagged resources must terminate and inherit nothing.
    edges = [edge("attached_to", "a", "b"), edge("attached_to", "b", "a")]
    owners = resolve_owners(states, edges)
    assert (owners["vol-9"].customer, owners["vol-9"].role, owners["vol-9"].rule) == (
        "unattributed",
        "db",
        "unattributed",
    )
    assert owners["a"].customer == owners["b"].customer == "unattributed"


def test_smallest_parent_id_wins_among_parents_of_the_same_type() -> None:
    states = [
        state("i-b", customer="beta"),
        state("i-a", customer="alpha"),
        state("vol-1", "ec2:volume"),
    ]
    edges = [edge("attached_to", "vol-1", "i-b"), edge("attached_to", "vol-1", "i-a")]
    assert resolve_owners(states, edges)["vol-1"].customer == "alpha"


def test_deleted_resources_leave_the_day_after_their_deletion() -> None:
    states = [
        state("i-gone", state="terminated", last_change=BEFORE),
        state("i-dying", state="terminated", last_change=DURING),
        state("vol-deleted", "ec2:volume", last_event_type="deleted", last_change=BEFORE),
        state("i-live"),
    ]
    rows = by_id(build_snapshots(DAY, states, [], version=7))
    assert set(rows) == {"i-dying", "i-live"}
    assert rows["i-dying"].state == "terminated"
    assert rows["i-live"].version == 7


def test_idle_resources_are_flagged_and_still_owned() -> None:
    states = [state("vol-1", "ec2:volume", customer="acme", state="available")]
    row = build_snapshots(DAY, states, [], version=1)[0]
    assert (row.is_idle, row.idle_reason, row.marqo_customer) == (1, "unattached_volume", "acme")


def test_physical_parent_prefers_attachment_then_network_then_region() -> None:
    states = [
        state("i-1", customer="acme"),
        state("vol-1", "ec2:volume", state="in-use"),
        state("snap-1", "ec2:snapshot"),
    ]
    edges = [
        edge("in_subnet", "i-1", "subnet-1", "ec2:subnet"),
        edge("attached_to", "vol-1", "i-1"),
    ]
    rows = by_id(build_snapshots(DAY, states, edges, version=1))
    assert rows["i-1"].physical_parent_id == "subnet-1"
    assert rows["vol-1"].physical_parent_id == "i-1"
    assert rows["snap-1"].physical_parent_id == "region:111111111111/eu-west-1"


def test_edges_of_resources_gone_that_day_are_ignored() -> None:
    states = [
        state("i-old", customer="acme", state="terminated", last_change=BEFORE),
        state("vol-1", "ec2:volume", state="available"),
    ]
    rows = by_id(build_snapshots(DAY, states, [edge("attached_to", "vol-1", "i-old")], version=1))
    # The instance is gone: the volume cannot inherit from it, but the edge held during the day.
    assert rows["vol-1"].marqo_customer == "unattributed"
