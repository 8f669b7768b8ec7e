"""resource_snapshots (+ the day's edges) → `resource_ancestry`, the closure table of one day.

Two hierarchies (node ids in `attribution.nodes`):

- physical: account → region → VPC → subnet → resource → attached resources. A resource's
  parent is its snapshot's `physical_parent_id`; a parent that is not itself in the snapshot
  (a subnet or VPC the inventory does not list) finds its own parent through the day's edges
  (`in_vpc` ...), and hangs under the region of the resource that led to it.
- logical: customer → cluster → role → resource, empty levels skipped.

Every node gets one row per ancestor, including itself at depth 0, so "everything under N on day
D" and "the children of N" (depth 1) are single range reads. A parent chain that loops (bad
edges) is cut where it repeats, under the region.

Rebuilding a day deletes the day's rows, then inserts the new build: idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from attribution.nodes import (
    ACCOUNT,
    REGION,
    account_node,
    logical_path,
    logical_types,
    region_node,
)
from attribution.snapshot_builder import (
    PHYSICAL_PRECEDENCE,
    Edge,
    clear_day,
    load_edges,
    new_version,
)
from clickhouse.client import PoloClickHouse

Hierarchy = Literal["physical", "logical"]
MAX_DEPTH = 32


class SnapshotNode(BaseModel):
    """The snapshot columns the hierarchies are built from."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    region: str
    resource_type: str
    resource_id: str
    marqo_customer: str
    marqo_cluster: str
    marqo_role: str
    physical_parent_id: str


class AncestryRow(BaseModel):
    """A `resource_ancestry` row."""

    model_config = ConfigDict(frozen=True)

    snapshot_date: date
    hierarchy: Hierarchy
    ancestor_id: str
    ancestor_type: str
    descendant_id: str
    descendant_type: str
    depth: int
    version: int


def closure_rows(
    paths: Iterable[tuple[tuple[str, ...], tuple[str, ...]]],
    day: date,
    hierarchy: Hierarchy,
    version: int,
) -> list[AncestryRow]:
    """Closure rows of every node on `paths` (ids root → leaf, with their types)."""
    rows: dict[tuple[str, str], AncestryRow] = {}
    for ids, types in paths:
        for j, descendant in enumerate(ids):
            if (descendant, descendant) in rows:
                continue  # this node and its ancestors were emitted through another path
            for i in range(j + 1):
                rows[(ids[i], descendant)] = AncestryRow(
                    snapshot_date=day,
                    hierarchy=hierarchy,
                    ancestor_id=ids[i],
                    ancestor_type=types[i],
                    descendant_id=descendant,
                    descendant_type=types[j],
                    depth=j - i,
                    version=version,
                )
    return sorted(rows.values(), key=lambda r: (r.ancestor_id, r.descendant_id))


def physical_paths(
    nodes: Sequence[SnapshotNode], edges: Sequence[Edge]
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """account → region → ... → resource, for every snapshot resource."""
    by_id = {n.resource_id: n for n in nodes}
    edge_parent: dict[str, str] = {}
    for kind in reversed(PHYSICAL_PRECEDENCE):
        for edge in sorted(edges, key=lambda e: e.target_id, reverse=True):
            if edge.relationship_type == kind:
                edge_parent[edge.source_id] = edge.target_id
    target_type = {e.target_id: e.target_type for e in edges}
    paths = []
    for node in nodes:
        region = region_node(node.account_id, node.region)
        ids = [node.resource_id]
        types = [node.resource_type]
        current = node.physical_parent_id
        while current and current != region and current not in ids and len(ids) < MAX_DEPTH:
            ids.append(current)
            known = by_id.get(current)
            if known is not None:
                types.append(known.resource_type)
                current = known.physical_parent_id
            else:
                types.append(target_type.get(current, "unknown"))
                current = edge_parent.get(current, region)
        ids += [region, account_node(node.account_id)]
        types += [REGION, ACCOUNT]
        paths.append((tuple(reversed(ids)), tuple(reversed(types))))
    return paths


def logical_paths(nodes: Sequence[SnapshotNode]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    return [
        (
            logical_path(n.marqo_customer, n.marqo_cluster, n.marqo_role, n.resource_id),
            logical_types(n.marqo_customer, n.marqo_cluster, n.marqo_role, n.resource_type),
        )
        for n in nodes
    ]


def build_ancestry(
    day: date, nodes: Sequence[SnapshotNode], edges: Sequence[Edge], version: int
) -> list[AncestryRow]:
    """Both hierarchies' closure rows for `day` (pure: no I/O)."""
    return closure_rows(physical_paths(nodes, edges), day, "physical", version) + closure_rows(
        logical_paths(nodes), day, "logical", version
    )


_NODES_SQL = """
SELECT account_id, region, resource_type, resource_id, marqo_customer, marqo_cluster,
       marqo_role, physical_parent_id
FROM resource_snapshots FINAL
WHERE snapshot_date = {day:Date}
"""


def build_day(db: PoloClickHouse, day: date, *, version: int | None = None) -> int:
    """Rebuild `day`'s closure rows from its snapshot; returns the number of rows."""
    nodes = [
        SnapshotNode(**row)
        for row in db.query("hierarchy_builder.nodes", _NODES_SQL, {"day": day}).named_results()
    ]
    rows = build_ancestry(day, nodes, load_edges(db, day), version or new_version())
    clear_day(db, "resource_ancestry", day)
    return db.insert_rows("resource_ancestry", rows, batch_size=50_000)
