"""resource_events + resource_relationships → `resource_snapshots`: one row per resource per day.

Which resources exist on day D: every resource with an event in the `lookback_days` before the
end of D, except those whose last (non-`tagged`) event is a `deleted` event or a terminal state
(`terminated`, `deleted`, `failed`) from before D began. A resource deleted during D is still in
D's snapshot (it cost money that day), with its final state. A resource no collector has seen for
`lookback_days` is considered gone: the inventory collectors observe every live resource on
every run, so silence that long means the resource disappeared without a delete event.

State, tags and owner are those of the latest event before the end of D (state and attributes
from the latest non-`tagged` event: a tagging-API event knows tags, not state).

Owner precedence (docs/attribution.md, "Owner precedence"), first match wins:
1. the resource's own tags, when they name a customer (`owner_rule` = `tag:<key>`);
2. the owner of a parent through an edge that held during D, by relationship type in the order
   of `INHERITANCE_PRECEDENCE` (`owner_rule` = `inherited:<type>:<parent id>`); a parent's owner
   may itself be inherited (an Elastic IP → ENI → instance), cycles inherit nothing; among
   parents of the same type the smallest id wins, so the result does not depend on read order;
3. the explicit unattributed owner: customer `unattributed`, `owner_rule` = `unattributed`
   (cluster / role / environment tags the resource does carry are kept).

Rebuilding a day deletes that day's rows and inserts the new build with a higher `version`, so
the result depends only on the events, never on how often the day was built.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

from pydantic import BaseModel, ConfigDict, field_validator

from attribution.idle import IdleInput, idle_reasons
from attribution.nodes import UNATTRIBUTED, region_node
from clickhouse.client import PoloClickHouse

INHERITANCE_PRECEDENCE: tuple[str, ...] = (
    "attached_to",  # a volume or ENI belongs to whoever owns its instance (or NAT gateway)
    "associated_with",  # an Elastic IP to whoever owns its ENI / instance
    "behind_load_balancer",  # an instance serving a load balancer to the load balancer's owner
    "in_subnet",  # then the network it lives in, for per-customer subnets ...
    "in_vpc",  # ... and VPCs
)
# The physical hierarchy nests a resource under what it is attached to, then its network.
PHYSICAL_PRECEDENCE: tuple[str, ...] = ("attached_to", "associated_with", "in_subnet", "in_vpc")
TERMINAL_STATES = frozenset({"terminated", "deleted", "failed"})
DEFAULT_LOOKBACK_DAYS = 62


class ResourceState(BaseModel):
    """The latest known facts about one resource as of the end of a day."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    region: str
    resource_type: str
    resource_id: str
    arn: str
    state: str
    tags: dict[str, str]
    marqo_customer: str
    marqo_cluster: str
    marqo_role: str
    marqo_environment: str
    owner_rule: str
    attributes: dict[str, str]
    last_event_type: str
    last_change: datetime

    @field_validator("last_change")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # Drivers configured without time zones hand back naive UTC values for DateTime64 UTC.
        return value if value.tzinfo else value.replace(tzinfo=UTC)


class Edge(BaseModel):
    """A relationship that held at some moment of the day."""

    model_config = ConfigDict(frozen=True)

    relationship_type: str
    source_id: str
    target_id: str
    target_type: str


class SnapshotRow(BaseModel):
    """A `resource_snapshots` row."""

    model_config = ConfigDict(frozen=True)

    snapshot_date: date
    account_id: str
    region: str
    resource_type: str
    resource_id: str
    arn: str
    state: str
    tags: dict[str, str]
    marqo_customer: str
    marqo_cluster: str
    marqo_role: str
    marqo_environment: str
    owner_rule: str
    is_idle: int
    idle_reason: str
    physical_parent_id: str
    version: int


class _Owner(BaseModel):
    model_config = ConfigDict(frozen=True)

    customer: str
    cluster: str
    role: str
    environment: str
    rule: str


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, dtime(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def is_alive(state: ResourceState, day: date) -> bool:
    start, _ = day_bounds(day)
    ended = state.last_event_type == "deleted" or state.state in TERMINAL_STATES
    return not (ended and state.last_change < start)


def _parents(edges: Iterable[Edge]) -> dict[str, dict[str, list[str]]]:
    parents: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for edge in edges:
        parents[edge.source_id][edge.relationship_type].append(edge.target_id)
    for by_type in parents.values():
        for targets in by_type.values():
            targets.sort()
    return parents


def resolve_owners(states: Sequence[ResourceState], edges: Iterable[Edge]) -> dict[str, _Owner]:
    """resource_id → owner, by the precedence in the module docstring."""
    by_id = {s.resource_id: s for s in states}
    parents = _parents(edges)
    resolved: dict[str, _Owner | None] = {}

    def attributed(resource_id: str, visiting: frozenset[str]) -> _Owner | None:
        if resource_id in resolved:
            return resolved[resource_id]
        state = by_id.get(resource_id)
        if state is None or resource_id in visiting:
            return None
        owner: _Owner | None = None
        if state.marqo_customer:
            owner = _Owner(
                customer=state.marqo_customer,
                cluster=state.marqo_cluster,
                role=state.marqo_role,
                environment=state.marqo_environment,
                rule=state.owner_rule,
            )
        else:
            for kind in INHERITANCE_PRECEDENCE:
                for target in parents.get(resource_id, {}).get(kind, []):
                    parent = attributed(target, visiting | {resource_id})
                    if parent is not None:
                        owner = parent.model_copy(update={"rule": f"inherited:{kind}:{target}"})
                        break
                if owner is not None:
                    break
        # Inside a walk, a parent skipped because it closes a cycle can change the answer, so
        # only a walk's starting resource is cached (chains are a few edges long).
        if not visiting:
            resolved[resource_id] = owner
        return owner

    owners: dict[str, _Owner] = {}
    for state in states:
        owner = attributed(state.resource_id, frozenset())
        owners[state.resource_id] = owner or _Owner(
            customer=UNATTRIBUTED,
            cluster=state.marqo_cluster,
            role=state.marqo_role,
            environment=state.marqo_environment,
            rule="unattributed",
        )
    return owners


def physical_parent(state: ResourceState, parents: dict[str, dict[str, list[str]]]) -> str:
    """The resource's parent in the physical hierarchy; its region node when it has none."""
    by_type = parents.get(state.resource_id, {})
    for kind in PHYSICAL_PRECEDENCE:
        if by_type.get(kind):
            return by_type[kind][0]
    return region_node(state.account_id, state.region)


def build_snapshots(
    day: date, states: Sequence[ResourceState], edges: Sequence[Edge], version: int
) -> list[SnapshotRow]:
    """The snapshot rows of `day` (pure: no I/O)."""
    alive = [s for s in states if is_alive(s, day)]
    alive_ids = {s.resource_id for s in alive}
    # Edges from or to a resource that no longer exists say nothing about today.
    live_edges = [e for e in edges if e.source_id in alive_ids]
    owners = resolve_owners(alive, live_edges)
    parents = _parents(live_edges)
    vpc_of_subnet = {
        e.source_id: e.target_id for e in live_edges if e.relationship_type == "in_vpc"
    }
    idle = idle_reasons(
        (
            IdleInput(
                resource_id=s.resource_id,
                resource_type=s.resource_type,
                state=s.state,
                vpc_id=s.attributes.get("vpc_id")
                or vpc_of_subnet.get(s.attributes.get("subnet_id", ""), ""),
            )
            for s in alive
        ),
        ((e.relationship_type, e.source_id, e.target_id) for e in live_edges),
    )
    rows = []
    for s in alive:
        owner = owners[s.resource_id]
        rows.append(
            SnapshotRow(
                snapshot_date=day,
                account_id=s.account_id,
                region=s.region,
                resource_type=s.resource_type,
                resource_id=s.resource_id,
                arn=s.arn,
                state=s.state,
                tags=s.tags,
                marqo_customer=owner.customer,
                marqo_cluster=owner.cluster,
                marqo_role=owner.role,
                marqo_environment=owner.environment,
                owner_rule=owner.rule,
                is_idle=int(s.resource_id in idle),
                idle_reason=idle.get(s.resource_id, ""),
                physical_parent_id=physical_parent(s, parents),
                version=version,
            )
        )
    return sorted(rows, key=lambda r: (r.account_id, r.resource_id))


_STATES_SQL = """
SELECT
    account_id,
    resource_id,
    argMax(region, (event_time, ingested_at)) AS region,
    argMax(resource_type, (event_time, ingested_at)) AS resource_type,
    argMax(arn, (event_time, ingested_at)) AS arn,
    argMaxIf(state, (event_time, ingested_at), event_type != 'tagged') AS state,
    argMax(tags, (event_time, ingested_at)) AS tags,
    argMax(marqo_customer, (event_time, ingested_at)) AS marqo_customer,
    argMax(marqo_cluster, (event_time, ingested_at)) AS marqo_cluster,
    argMax(marqo_role, (event_time, ingested_at)) AS marqo_role,
    argMax(marqo_environment, (event_time, ingested_at)) AS marqo_environment,
    argMax(owner_rule, (event_time, ingested_at)) AS owner_rule,
    argMaxIf(attributes, (event_time, ingested_at), event_type != 'tagged') AS attributes,
    argMaxIf(event_type, (event_time, ingested_at), event_type != 'tagged') AS last_event_type,
    maxIf(event_time, event_type != 'tagged') AS last_change
FROM resource_events FINAL
WHERE event_time >= {since:DateTime64(3, 'UTC')} AND event_time < {until:DateTime64(3, 'UTC')}
GROUP BY account_id, resource_id
"""

_EDGES_SQL = """
SELECT DISTINCT relationship_type, source_id, target_id, target_type
FROM resource_relationships FINAL
WHERE valid_from < {until:DateTime64(3, 'UTC')} AND valid_to > {since:DateTime64(3, 'UTC')}
"""


def load_states(
    db: PoloClickHouse, day: date, lookback_days: int = DEFAULT_LOOKBACK_DAYS
) -> list[ResourceState]:
    start, end = day_bounds(day)
    result = db.query(
        "snapshot_builder.states",
        _STATES_SQL,
        {"since": start - timedelta(days=lookback_days), "until": end},
    )
    return [ResourceState(**row) for row in result.named_results()]


def load_edges(db: PoloClickHouse, day: date) -> list[Edge]:
    start, end = day_bounds(day)
    result = db.query("snapshot_builder.edges", _EDGES_SQL, {"since": start, "until": end})
    return [Edge(**row) for row in result.named_results()]


def clear_day(db: PoloClickHouse, table: str, day: date) -> None:
    """Delete a day's rows of `table` before its rebuild (the first build has none to delete:
    skipping the delete spares a mutation)."""
    count = db.query(
        f"{table}.count_day",
        "SELECT count() FROM {table:Identifier} WHERE snapshot_date = {day:Date}",
        {"table": table, "day": day},
    ).result_rows[0][0]
    if count:
        db.command(
            f"{table}.clear_day",
            "DELETE FROM {table:Identifier} WHERE snapshot_date = {day:Date}",
            {"table": table, "day": day},
        )


def new_version() -> int:
    """A build version that grows with every build: epoch microseconds."""
    return time.time_ns() // 1000


def build_day(
    db: PoloClickHouse,
    day: date,
    *,
    version: int | None = None,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
) -> int:
    """Rebuild `day`'s snapshot in ClickHouse; returns the number of resources in it."""
    rows = build_snapshots(
        day, load_states(db, day, lookback_days), load_edges(db, day), version or new_version()
    )
    clear_day(db, "resource_snapshots", day)
    return db.insert_rows("resource_snapshots", rows, batch_size=10_000)
