"""Physical and logical parents of a resource, from its events and its relationships.

Physical hierarchy: `account:<id>` → `region:<id>/<region>` → VPC → subnet → resource →
attached resources. A resource's physical parent is its first edge in this precedence:
`attached_to`, `associated_with`, `in_subnet`, `in_vpc` (ties: smallest target id); a resource
with none of them hangs directly under its region.

Logical hierarchy: `customer:<c>` → `cluster:<c>/<k>` → `role:<c>/<k>/<r>` → resource. A
missing level is filled with `unattributed` (`customer:unattributed`, `cluster:acme/
unattributed`, …) so every resource sits at the same depth.

Owner (docs/collectors.md, "Owner inheritance"): a resource's own tags decide when they name a
customer. Otherwise it inherits from its parents along `attached_to` then `associated_with`
(recursively: an Elastic IP → ENI → instance), the first parent with an owner wins, and its own
non-empty cluster / role / environment tags still override the inherited ones. A load balancer
without an owner inherits from the instances behind it when they all agree on one owner
(customer, cluster and role); disagreeing instances leave it unattributed.
`owner_rule` becomes `inherited:<relationship_type>:<resource_id of the direct parent>`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from collectors.common.models import ResourceEvent, ResourceRelationship
from collectors.common.tag_resolver import UNATTRIBUTED, UNATTRIBUTED_RULE, Owner

PHYSICAL_PRECEDENCE: tuple[str, ...] = ("attached_to", "associated_with", "in_subnet", "in_vpc")
INHERITING_EDGES: tuple[str, ...] = ("attached_to", "associated_with")
UNATTRIBUTED_NODE = "unattributed"


class Node(BaseModel):
    """A node of a hierarchy: `id` as in docs/data-model.md, `type` e.g. `account`, `ec2:vpc`."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str


def account_node(account_id: str) -> Node:
    return Node(id=f"account:{account_id}", type="account")


def region_node(account_id: str, region: str) -> Node:
    return Node(id=f"region:{account_id}/{region}", type="region")


def logical_nodes(owner: Owner) -> list[Node]:
    """`customer` → `cluster` → `role` nodes of an owner, `unattributed` where a level is empty."""
    customer = owner.marqo_customer or UNATTRIBUTED_NODE
    cluster = owner.marqo_cluster or UNATTRIBUTED_NODE
    role = owner.marqo_role or UNATTRIBUTED_NODE
    return [
        Node(id=f"customer:{customer}", type="customer"),
        Node(id=f"cluster:{customer}/{cluster}", type="cluster"),
        Node(id=f"role:{customer}/{cluster}/{role}", type="role"),
    ]


def owner_of_event(event: ResourceEvent) -> Owner:
    return Owner(
        marqo_customer=event.marqo_customer,
        marqo_cluster=event.marqo_cluster,
        marqo_role=event.marqo_role,
        marqo_environment=event.marqo_environment,
        rule=event.owner_rule if event.marqo_customer else UNATTRIBUTED_RULE,
    )


class HierarchyResolver:
    """Answers parent questions for a set of events and relationships at one moment.

    `events`: the latest event per resource wins (by `event_time`, then `ingested_at`).
    `relationships`: only edges valid at `as_of` count (`valid_from <= as_of < valid_to`);
    without `as_of`, only open edges.
    """

    def __init__(
        self,
        events: Iterable[ResourceEvent],
        relationships: Iterable[ResourceRelationship],
        *,
        as_of: datetime | None = None,
    ) -> None:
        self._events: dict[str, ResourceEvent] = {}
        for event in events:
            current = self._events.get(event.resource_id)
            if current is None or (event.event_time, event.ingested_at) >= (
                current.event_time,
                current.ingested_at,
            ):
                self._events[event.resource_id] = event
        self._parents: dict[str, list[ResourceRelationship]] = defaultdict(list)
        self._children: dict[str, list[ResourceRelationship]] = defaultdict(list)
        for edge in relationships:
            valid = edge.is_open if as_of is None else edge.valid_from <= as_of < edge.valid_to
            if valid:
                self._parents[edge.source_id].append(edge)
                self._children[edge.target_id].append(edge)
        for edges in (*self._parents.values(), *self._children.values()):
            edges.sort(key=lambda e: (e.relationship_type, e.target_id, e.source_id))
        self._owners: dict[str, Owner] = {}

    def event(self, resource_id: str) -> ResourceEvent | None:
        return self._events.get(resource_id)

    def _node(self, resource_id: str, fallback_type: str) -> Node:
        event = self._events.get(resource_id)
        return Node(id=resource_id, type=event.resource_type if event else fallback_type)

    def physical_parent_edge(self, resource_id: str) -> ResourceRelationship | None:
        edges = self._parents.get(resource_id, [])
        for kind in PHYSICAL_PRECEDENCE:
            for edge in edges:
                if edge.relationship_type == kind:
                    return edge
        return None

    def physical_path(self, resource_id: str) -> list[Node]:
        """Root first: account, region, then resources down to `resource_id` itself."""
        chain: list[Node] = []
        seen: set[str] = set()
        current, current_type = resource_id, ""
        account = region = ""
        while current not in seen:
            seen.add(current)
            event = self._events.get(current)
            chain.append(self._node(current, current_type))
            edge = self.physical_parent_edge(current)
            if event is not None:
                account, region = event.account_id, event.region
            if edge is None:
                break
            account, region = account or edge.account_id, region or edge.region
            current, current_type = edge.target_id, edge.target_type
        if not account:
            raise KeyError(f"no event or relationship for resource {resource_id!r}")
        chain.reverse()
        return [account_node(account), region_node(account, region), *chain]

    def physical_parent(self, resource_id: str) -> Node:
        return self.physical_path(resource_id)[-2]

    def owner(self, resource_id: str) -> Owner:
        """Own tags, else inherited (module docstring); `UNATTRIBUTED` when nothing decides."""
        if resource_id not in self._owners:
            self._owners[resource_id] = self._owner(resource_id, frozenset())
        return self._owners[resource_id]

    def _owner(self, resource_id: str, visiting: frozenset[str]) -> Owner:
        # Not memoised inside the recursion: a result computed while a cycle was cut short
        # may differ from the one computed from the top.
        event = self._events.get(resource_id)
        own = owner_of_event(event) if event else UNATTRIBUTED
        owner = own
        if not own.is_attributed:
            visiting = visiting | {resource_id}
            inherited = self._inherit_from_parents(resource_id, visiting)
            if inherited is None:
                inherited = self._inherit_from_load_balanced(resource_id, visiting)
            if inherited is not None:
                parent_owner, rule = inherited
                owner = Owner(
                    marqo_customer=parent_owner.marqo_customer,
                    marqo_cluster=own.marqo_cluster or parent_owner.marqo_cluster,
                    marqo_role=own.marqo_role or parent_owner.marqo_role,
                    marqo_environment=own.marqo_environment or parent_owner.marqo_environment,
                    rule=rule,
                )
        return owner

    def _inherit_from_parents(
        self, resource_id: str, visiting: frozenset[str]
    ) -> tuple[Owner, str] | None:
        edges = self._parents.get(resource_id, [])
        for kind in INHERITING_EDGES:
            for edge in edges:
                if edge.relationship_type != kind or edge.target_id in visiting:
                    continue
                parent = self._owner(edge.target_id, visiting)
                if parent.is_attributed:
                    return parent, f"inherited:{kind}:{edge.target_id}"
        return None

    def _inherit_from_load_balanced(
        self, resource_id: str, visiting: frozenset[str]
    ) -> tuple[Owner, str] | None:
        behind = [
            e
            for e in self._children.get(resource_id, [])
            if e.relationship_type == "behind_load_balancer" and e.source_id not in visiting
        ]
        owners = [(e.source_id, self._owner(e.source_id, visiting)) for e in behind]
        attributed = [(rid, o) for rid, o in owners if o.is_attributed]
        identities = {(o.marqo_customer, o.marqo_cluster, o.marqo_role) for _, o in attributed}
        if len(identities) != 1:
            return None
        first_id, first = min(attributed, key=lambda pair: pair[0])
        return first, f"inherited:behind_load_balancer:{first_id}"

    def logical_path(self, resource_id: str) -> list[Node]:
        """Root first: customer, cluster, role, then the resource."""
        return [*logical_nodes(self.owner(resource_id)), self._node(resource_id, "")]

    def logical_parent(self, resource_id: str) -> Node:
        return self.logical_path(resource_id)[-2]
