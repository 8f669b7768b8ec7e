"""Apply the shared-cost split rules (attribution.allocation_rules) to one day's attributed cost.

A cost row matched by a rule in effect that day leaves its owner whole: in its place,
cost_attributed_daily gets one row per target owner (same account, service, usage type and
resource; owner_rule `allocation:<rule id>`), and `cost_allocations` records each part's
provenance, like FOCUS's Allocated* columns: the rule and its version, the method, the source
row and its owner, the target, and the amounts. A customer's cost is then "direct" (owner_rule
not `allocation:…`) plus "shared" (the parts it received).

- A row is moved by at most one rule: the first rule in the file (in the order ids first appear)
  whose version in effect matches it. Only the day's attributed rows are matched, never the parts
  another rule produced, so rules cannot feed each other.
- `proportional` weighs each target by its direct effective cost that day: the cost it owns that
  no rule moves (negative totals count as 0). When every weight is 0 the split is even.
- Each part is rounded to the column's 6 decimal places by the largest-remainder method: every
  part gets the floor of its exact share, and the micro-units left over go one each to the parts
  with the largest dropped fractions (ties: the earlier target in the rule). So the parts of a
  row sum exactly to the row for billed cost, effective cost and quantity alike, and the day's
  total over owners is unchanged to the micro-unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, ConfigDict

from attribution.allocation_rules import AllocationRule, Match, Method
from clickhouse.client import PoloClickHouse

PLACES = 6
_UNIT = Decimal(1).scaleb(-PLACES)

OwnerKey = tuple[str, str, str]


class CostRow(BaseModel):
    """A row of cost_attributed_daily (without its date), plus its resource's tags that day."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    region: str
    service_name: str
    usage_type: str
    resource_id: str
    resource_type: str
    marqo_customer: str
    marqo_cluster: str
    marqo_role: str
    marqo_environment: str
    owner_rule: str
    is_idle: int
    billed_cost: Decimal
    effective_cost: Decimal
    consumed_quantity: Decimal
    pricing_unit: str
    tags: dict[str, str] = {}

    @property
    def owner(self) -> OwnerKey:
        return (self.marqo_customer, self.marqo_cluster, self.marqo_role)

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What tells a day's rows apart (cost_daily's key, as attributed)."""
        return (self.account_id, self.service_name, self.usage_type, self.resource_id)

    def to_row(self) -> dict[str, Any]:
        return self.model_dump(exclude={"tags"})


class Move(BaseModel):
    row: CostRow
    rule: AllocationRule


class AllocationRecord(BaseModel):
    """One part of one moved row: a row of cost_allocations."""

    allocation_rule: str
    rule_effective_from: date
    method: str
    account_id: str
    region: str
    service_name: str
    usage_type: str
    resource_id: str
    from_customer: str
    from_cluster: str
    from_role: str
    from_owner_rule: str
    to_customer: str
    to_cluster: str
    to_role: str
    source_billed_cost: Decimal
    source_effective_cost: Decimal
    billed_cost: Decimal
    effective_cost: Decimal
    consumed_quantity: Decimal


class Part(BaseModel):
    row: CostRow
    record: AllocationRecord


def matches(match: Match, row: CostRow) -> bool:
    candidates = (
        (match.account, row.account_id),
        (match.service, row.service_name),
        (match.usage_type, row.usage_type),
        (match.resource_id, row.resource_id),
        (match.customer, row.marqo_customer),
    )
    if any(accepted is not None and value not in accepted for accepted, value in candidates):
        return False
    return all(row.tags.get(key) == value for key, value in (match.tags or {}).items())


def find_moves(rows: Iterable[CostRow], rules: Sequence[AllocationRule]) -> list[Move]:
    """The rows `rules` (those in effect, in precedence order) move, each with its rule."""
    moves = []
    for row in rows:
        rule = next((rule for rule in rules if matches(rule.match, row)), None)
        if rule is not None:
            moves.append(Move(row=row, rule=rule))
    return moves


def direct_costs(rows: Iterable[CostRow]) -> dict[OwnerKey, Decimal]:
    """Effective cost per owner: what `proportional` weighs targets by (given the kept rows)."""
    totals: dict[OwnerKey, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[row.owner] += row.effective_cost
    return dict(totals)


def weights(rule: AllocationRule, direct: Mapping[OwnerKey, Decimal]) -> list[Decimal]:
    if rule.method is Method.FIXED:
        return [target.percent or Decimal(0) for target in rule.to]
    if rule.method is Method.PROPORTIONAL:
        own = [
            max(
                sum(
                    (cost for owner, cost in direct.items() if target.contains(*owner)), Decimal(0)
                ),
                Decimal(0),
            )
            for target in rule.to
        ]
        if any(own):
            return own
    return [Decimal(1)] * len(rule.to)


def split_amount(amount: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """`amount` (at most 6 decimal places) split in proportion to `shares` (>= 0, not all 0),
    each part at 6 places, summing exactly to `amount` (largest remainder, ties to the earlier)."""
    units = int(amount.scaleb(PLACES).to_integral_exact())
    if Decimal(units).scaleb(-PLACES) != amount:
        raise ValueError(f"{amount} has more than {PLACES} decimal places")
    total = sum(shares, Decimal(0))
    if total <= 0 or any(share < 0 for share in shares):
        raise ValueError(f"shares must be >= 0 and not all 0, got {list(shares)}")
    # A negative amount (a credit) splits like its absolute value, so rounding stays symmetric.
    sign = -1 if units < 0 else 1
    exact = [Fraction(abs(units)) * Fraction(share) / Fraction(total) for share in shares]
    parts = [int(quota) for quota in exact]
    left = abs(units) - sum(parts)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return [(Decimal(sign * part) * _UNIT).quantize(_UNIT) for part in parts]


def split_move(move: Move, direct: Mapping[OwnerKey, Decimal]) -> list[Part]:
    row, rule = move.row, move.rule
    shares = weights(rule, direct)
    billed = split_amount(row.billed_cost, shares)
    effective = split_amount(row.effective_cost, shares)
    # The quantity is split alike, so each part keeps the row's rate (cost / quantity).
    quantity = split_amount(row.consumed_quantity, shares)
    parts = []
    for target, b, e, q in zip(rule.to, billed, effective, quantity, strict=True):
        moved = row.model_copy(
            update={
                "marqo_customer": target.customer,
                "marqo_cluster": target.cluster,
                "marqo_role": target.role,
                "marqo_environment": "",
                "owner_rule": f"allocation:{rule.id}",
                "billed_cost": b,
                "effective_cost": e,
                "consumed_quantity": q,
            }
        )
        record = AllocationRecord(
            allocation_rule=rule.id,
            rule_effective_from=rule.effective_from,
            method=rule.method.value,
            account_id=row.account_id,
            region=row.region,
            service_name=row.service_name,
            usage_type=row.usage_type,
            resource_id=row.resource_id,
            from_customer=row.marqo_customer,
            from_cluster=row.marqo_cluster,
            from_role=row.marqo_role,
            from_owner_rule=row.owner_rule,
            to_customer=target.customer,
            to_cluster=target.cluster,
            to_role=target.role,
            source_billed_cost=row.billed_cost,
            source_effective_cost=row.effective_cost,
            billed_cost=b,
            effective_cost=e,
            consumed_quantity=q,
        )
        parts.append(Part(row=moved, record=record))
    return parts


def split_moves(moves: Iterable[Move], direct: Mapping[OwnerKey, Decimal]) -> list[Part]:
    return [part for move in moves for part in split_move(move, direct)]


# --- the pipeline's side: the day in ClickHouse -------------------------------------------------

_CRITERIA = {
    "account": "a.account_id",
    "service": "a.service_name",
    "usage_type": "a.usage_type",
    "resource_id": "a.resource_id",
    "customer": "a.marqo_customer",
}


def candidate_filter(rules: Sequence[AllocationRule]) -> tuple[str, dict[str, Any]]:
    """A WHERE condition (bound parameters only) that keeps every row some rule may match, so
    only those leave ClickHouse; `find_moves` then decides in Python, the one definition of a
    match."""
    alternatives = []
    parameters: dict[str, Any] = {}
    for r, rule in enumerate(rules):
        conditions = []
        for field, column in _CRITERIA.items():
            accepted = getattr(rule.match, field)
            if accepted is not None:
                name = f"r{r}_{field}"
                conditions.append(f"{column} IN {{{name}:Array(String)}}")
                parameters[name] = list(accepted)
        for t, (key, value) in enumerate(sorted((rule.match.tags or {}).items())):
            conditions.append(f"a.tags[{{r{r}_k{t}:String}}] = {{r{r}_v{t}:String}}")
            parameters[f"r{r}_k{t}"], parameters[f"r{r}_v{t}"] = key, value
        alternatives.append("(" + " AND ".join(conditions) + ")")
    return " OR ".join(alternatives) or "0", parameters


def read_candidates(
    db: PoloClickHouse, attributed_select: str, day: date, rules: Sequence[AllocationRule]
) -> list[CostRow]:
    """The day's attributed rows (from `attributed_select`, which has a `tags` column) that
    `rules` may match."""
    where, parameters = candidate_filter(rules)
    result = db.query(
        "cost_allocator.candidates",
        f"SELECT * EXCEPT (charge_date) FROM ({attributed_select}) AS a WHERE {where} "
        "SETTINGS join_use_nulls = 0",
        {"day": day, **parameters},
    )
    return [CostRow.model_validate(row) for row in result.named_results()]


def read_direct_costs(db: PoloClickHouse, day: date) -> dict[OwnerKey, Decimal]:
    """Effective cost per owner in cost_attributed_daily for `day` (before the parts arrive)."""
    result = db.query(
        "cost_allocator.direct_costs",
        "SELECT marqo_customer, marqo_cluster, marqo_role, sum(effective_cost) "
        "FROM cost_attributed_daily WHERE charge_date = {day:Date} "
        "GROUP BY marqo_customer, marqo_cluster, marqo_role",
        {"day": day},
    )
    return {(c, cl, r): Decimal(cost) for c, cl, r, cost in result.result_rows}


def write_parts(db: PoloClickHouse, day: date, parts: Sequence[Part]) -> None:
    db.insert_rows("cost_attributed_daily", [{"charge_date": day, **p.row.to_row()} for p in parts])
    db.insert_rows(
        "cost_allocations", [{"charge_date": day, **p.record.model_dump()} for p in parts]
    )
