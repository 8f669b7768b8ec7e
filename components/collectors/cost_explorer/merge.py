"""Merge one run's Cost Explorer lines with what `cost_daily` already holds into the rows to write.

Rules (docs/cost-and-lifecycle.md explains why):
- The account x service x usage-type amounts are authoritative: the rows written for a key always
  sum to them exactly.
- Where resource-level lines were fetched for (day, account, service), a key's cost is split into
  one row per resource plus a remainder row (`resource_id = ''`) holding what AWS attributes to
  no resource.
- Where they were not (older than the 14 days AWS keeps, or not enabled), the resource rows
  already stored for the key are carried forward unchanged and the remainder absorbs AWS's
  revision, so the resource detail collected earlier is not thrown away.
- A key stored earlier for a re-collected day that AWS no longer reports is written again with
  zero amounts, so re-collecting a day really replaces it under ReplacingMergeTree.
- Final days (not in the plan) are never written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, datetime
from decimal import Decimal

from collectors.cost_explorer.plan import CollectionPlan
from collectors.cost_explorer.rows import CostDailyRow, CostKey, CostLine
from collectors.cost_explorer.usage_type_region import region_of_usage_type

# (day, account, service) for which resource-level lines were fetched.
ResourceScope = tuple[date, str, str]
_AggregateKey = tuple[date, str, str, str]
_ZERO = Decimal("0.000000")


def _aggregate_key(key: CostKey) -> _AggregateKey:
    return key[:4]


def merge_rows(
    plan: CollectionPlan,
    *,
    aggregate_lines: Iterable[CostLine],
    resource_lines: Iterable[CostLine],
    resource_scopes: Collection[ResourceScope],
    existing: Iterable[CostDailyRow],
    collected_at: datetime,
) -> list[CostDailyRow]:
    """The rows to insert so that, read with FINAL, each planned day matches this run's data."""
    wanted = set(plan.days)
    aggregates: dict[_AggregateKey, CostLine] = {}
    estimated: dict[date, bool] = defaultdict(bool)
    for line in aggregate_lines:
        if line.day in wanted:
            aggregates[_aggregate_key(line.key)] = line
            estimated[line.day] |= line.estimated

    fresh: dict[_AggregateKey, list[CostLine]] = defaultdict(list)
    for line in resource_lines:
        scope = (line.day, line.account_id, line.service_name)
        if line.day in wanted and line.resource_id and scope in resource_scopes:
            fresh[_aggregate_key(line.key)].append(line)
            estimated[line.day] |= line.estimated

    stored = [row for row in existing if row.charge_period_start in wanted]
    carried: dict[_AggregateKey, list[CostDailyRow]] = defaultdict(list)
    for row in stored:
        scope = (row.charge_period_start, row.account_id, row.service_name)
        if row.resource_id and not row.is_zero and scope not in resource_scopes:
            carried[_aggregate_key(row.key)].append(row)

    def provisional(day: date) -> bool:
        return plan.is_provisional(day, estimated=estimated[day])

    out: dict[CostKey, CostDailyRow] = {}

    def emit(row: CostDailyRow) -> None:
        out[row.key] = row

    for agg_key in sorted(aggregates.keys() | fresh.keys()):
        day, account, service, usage_type = agg_key
        is_provisional = provisional(day)
        aggregate = aggregates.get(agg_key)
        parts: list[CostDailyRow] = []
        if (day, account, service) in resource_scopes:
            parts = [
                CostDailyRow.from_line(
                    line, is_provisional=is_provisional, collected_at=collected_at
                )
                for line in fresh.get(agg_key, [])
            ]
        elif aggregate is not None:
            parts = [
                row.model_copy(
                    update={"is_provisional": is_provisional, "collected_at": collected_at}
                )
                for row in carried.get(agg_key, [])
            ]
        for part in parts:
            emit(part)
        billed = aggregate.billed_cost if aggregate else _ZERO
        effective = aggregate.effective_cost if aggregate else _ZERO
        quantity = aggregate.consumed_quantity if aggregate else _ZERO
        remainder = CostDailyRow(
            charge_period_start=day,
            account_id=account,
            region=region_of_usage_type(usage_type),
            service_name=service,
            usage_type=usage_type,
            resource_id="",
            billed_cost=billed - sum((p.billed_cost for p in parts), _ZERO),
            effective_cost=effective - sum((p.effective_cost for p in parts), _ZERO),
            consumed_quantity=quantity - sum((p.consumed_quantity for p in parts), _ZERO),
            pricing_unit=aggregate.pricing_unit if aggregate else parts[0].pricing_unit,
            is_provisional=is_provisional,
            collected_at=collected_at,
        )
        if not parts or not remainder.is_zero:
            emit(remainder)

    for row in stored:
        if row.key not in out and not row.is_zero:
            emit(
                row.model_copy(
                    update={
                        "billed_cost": _ZERO,
                        "effective_cost": _ZERO,
                        "consumed_quantity": _ZERO,
                        "is_provisional": provisional(row.charge_period_start),
                        "collected_at": collected_at,
                    }
                )
            )
    return sorted(out.values(), key=lambda r: r.key)
