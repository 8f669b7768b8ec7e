from __future__ import annotations

from datetime import date

from attribution.hierarchy_builder import SnapshotNode, build_ancestry
from attribution.snapshot_builder import Edge

DAY = date(2026, 3, 10)
ACCT = "111111111111"


def node(rid: str, rtype: str, parent: str, customer="acme", cluster="k1", role="api"):
    return SnapshotNode(
        account_id=ACCT,
        region="eu-west-1",
        resource_type=rtype,
        resource_id=rid,
        marqo_customer=customer,
        marqo_cluster=cluster,
        marqo_role=role,
        physical_parent_id=parent,
    )


NODES = [
    node("i-1", "ec2:instance", "subnet-1"),
    node("vol-1", "ec2:volume", "i-1"),
    node(
        "snap-1",
        "ec2:snapshot",
        f"region:{ACCT}/eu-west-1",
        customer="unattributed",
        cluster="",
        role="",
    ),
]
EDGES = [
    Edge(
        relationship_type="in_subnet",
        source_id="i-1",
        target_id="subnet-1",
        target_type="ec2:subnet",
    ),
    Edge(
        relationship_type="in_vpc", source_id="subnet-1", target_id="vpc-1", target_type="ec2:vpc"
    ),
]


def pairs(rows, hierarchy):
    return {(r.ancestor_id, r.descendant_id, r.depth) for r in rows if r.hierarchy == hierarchy}


def test_physical_closure_walks_snapshot_parents_then_edges_up_to_the_account() -> None:
    rows = build_ancestry(DAY, NODES, EDGES, version=3)
    physical = pairs(rows, "physical")
    path = [f"account:{ACCT}", f"region:{ACCT}/eu-west-1", "vpc-1", "subnet-1", "i-1", "vol-1"]
    for i, ancestor in enumerate(path):
        for j in range(i, len(path)):
            assert (ancestor, path[j], j - i) in physical
    assert (f"region:{ACCT}/eu-west-1", "snap-1", 1) in physical
    types = {r.descendant_id: r.descendant_type for r in rows if r.hierarchy == "physical"}
    assert types["vpc-1"] == "ec2:vpc" and types[f"account:{ACCT}"] == "account"
    # Exactly one row per (ancestor, descendant): no node is emitted twice.
    assert len(physical) == len([r for r in rows if r.hierarchy == "physical"])


def test_logical_closure_skips_empty_levels() -> None:
    logical = pairs(build_ancestry(DAY, NODES, EDGES, version=3), "logical")
    assert ("customer:acme", "vol-1", 3) in logical
    assert ("role:acme/k1/api", "i-1", 1) in logical
    assert ("customer:unattributed", "snap-1", 1) in logical
    assert ("customer:acme", "customer:acme", 0) in logical


def test_rebuilding_from_the_same_snapshot_gives_the_same_rows() -> None:
    first = build_ancestry(DAY, NODES, EDGES, version=1)
    again = build_ancestry(DAY, list(reversed(NODES)), list(reversed(EDGES)), version=1)
    assert first == again


def test_a_parent_loop_is_cut_under_the_region() -> None:
    loop = [node("a", "ec2:network-interface", "b"), node("b", "ec2:network-interface", "a")]
    physical = pairs(build_ancestry(DAY, loop, [], version=1), "physical")
    assert (f"region:{ACCT}/eu-west-1", "a", 2) in physical or (
        f"region:{ACCT}/eu-west-1",
        "a",
        1,
    ) in physical
