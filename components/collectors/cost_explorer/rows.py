"""Cost Explorer response groups → `cost_daily` rows, Decimal amounts from the API strings.

Cost Explorer returns amounts as decimal strings with up to ten fractional digits. They become
`Decimal` straight from the string (never through float) and are rounded half-even to the six
places of the `cost_daily` columns (Decimal(18,6) money, Decimal(24,6) quantity). Every sum the
collector computes (e.g. the per-resource remainder) is done on those rounded values, so what is
stored adds up exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from collectors.cost_explorer.usage_type_region import region_of_usage_type

SIX_PLACES = Decimal("0.000001")
_MONEY_LIMIT = Decimal(10) ** 12  # Decimal(18, 6) keeps 12 integer digits
_QUANTITY_LIMIT = Decimal(10) ** 18  # Decimal(24, 6) keeps 18 integer digits

BILLED_METRIC = "UnblendedCost"
EFFECTIVE_METRIC = "AmortizedCost"
QUANTITY_METRIC = "UsageQuantity"
METRICS: tuple[str, ...] = (BILLED_METRIC, EFFECTIVE_METRIC, QUANTITY_METRIC)

# Cost Explorer dimension → the CostLine field it fills.
DIMENSION_FIELDS: Mapping[str, str] = {
    "LINKED_ACCOUNT": "account_id",
    "SERVICE": "service_name",
    "USAGE_TYPE": "usage_type",
    "RESOURCE_ID": "resource_id",
}

COST_DAILY_COLUMNS: tuple[str, ...] = (
    "charge_period_start",
    "account_id",
    "region",
    "service_name",
    "usage_type",
    "resource_id",
    "billed_cost",
    "effective_cost",
    "consumed_quantity",
    "pricing_unit",
    "is_provisional",
    "collected_at",
)

CostKey = tuple[date, str, str, str, str]
"""The natural identity of a cost_daily row: (day, account, service, usage type, resource)."""


class CostResponseError(ValueError):
    """A Cost Explorer response that cannot become rows without losing or inventing money."""


def parse_amount(raw: object, *, what: str) -> Decimal:
    """An API amount string as a Decimal rounded to six places; a clear error for anything else."""
    if not isinstance(raw, str):
        raise CostResponseError(f"{what}: expected a decimal string, got {raw!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise CostResponseError(f"{what}: {raw!r} is not a decimal number") from exc
    if not value.is_finite():
        raise CostResponseError(f"{what}: {raw!r} is not a finite number")
    return value.quantize(SIX_PLACES, rounding=ROUND_HALF_EVEN)


class CostLine(BaseModel):
    """One day x account x service x usage type x resource of cost, as Cost Explorer reported it."""

    model_config = ConfigDict(frozen=True)

    day: date
    account_id: str = ""
    service_name: str = ""
    usage_type: str = ""
    resource_id: str = ""
    billed_cost: Decimal
    effective_cost: Decimal
    consumed_quantity: Decimal
    pricing_unit: str
    estimated: bool

    @property
    def key(self) -> CostKey:
        return (self.day, self.account_id, self.service_name, self.usage_type, self.resource_id)


class CostDailyRow(BaseModel):
    """A row of `cost_daily` (docs/data-model.md); `to_row()` gives the insertable dict."""

    model_config = ConfigDict(frozen=True)

    charge_period_start: date
    account_id: str
    region: str
    service_name: str
    usage_type: str
    resource_id: str
    billed_cost: Decimal
    effective_cost: Decimal
    consumed_quantity: Decimal
    pricing_unit: str
    is_provisional: bool
    collected_at: datetime

    @field_validator("billed_cost", "effective_cost")
    @classmethod
    def _money_fits(cls, value: Decimal) -> Decimal:
        value = value.quantize(SIX_PLACES, rounding=ROUND_HALF_EVEN)
        if abs(value) >= _MONEY_LIMIT:
            raise ValueError(f"{value} does not fit Decimal(18, 6)")
        return value

    @field_validator("consumed_quantity")
    @classmethod
    def _quantity_fits(cls, value: Decimal) -> Decimal:
        value = value.quantize(SIX_PLACES, rounding=ROUND_HALF_EVEN)
        if abs(value) >= _QUANTITY_LIMIT:
            raise ValueError(f"{value} does not fit Decimal(24, 6)")
        return value

    @field_validator("collected_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("collected_at must be timezone-aware (UTC)")
        return value

    @property
    def key(self) -> CostKey:
        return (
            self.charge_period_start,
            self.account_id,
            self.service_name,
            self.usage_type,
            self.resource_id,
        )

    @property
    def is_zero(self) -> bool:
        return not (self.billed_cost or self.effective_cost or self.consumed_quantity)

    def to_row(self) -> dict[str, Any]:
        row = self.model_dump()
        row["is_provisional"] = int(self.is_provisional)
        return row

    @classmethod
    def from_line(
        cls, line: CostLine, *, is_provisional: bool, collected_at: datetime
    ) -> CostDailyRow:
        return cls(
            charge_period_start=line.day,
            account_id=line.account_id,
            region=region_of_usage_type(line.usage_type),
            service_name=line.service_name,
            usage_type=line.usage_type,
            resource_id=line.resource_id,
            billed_cost=line.billed_cost,
            effective_cost=line.effective_cost,
            consumed_quantity=line.consumed_quantity,
            pricing_unit=line.pricing_unit,
            is_provisional=is_provisional,
            collected_at=collected_at,
        )


def _metric(metrics: Mapping[str, Any], name: str, *, where: str) -> Mapping[str, Any]:
    value = metrics.get(name)
    if not isinstance(value, Mapping):
        raise CostResponseError(f"{where}: metric {name} missing from the response")
    return value


def lines_from_results(
    results_by_time: Iterable[Mapping[str, Any]],
    group_by: Sequence[str],
    *,
    currency: str,
    fixed: Mapping[str, str] | None = None,
) -> Iterator[CostLine]:
    """Turn `ResultsByTime` entries of a grouped daily request into CostLines.

    `group_by` names the request's GroupBy dimensions in order (their values are each group's
    `Keys`); `fixed` gives dimensions pinned by the request's Filter (e.g. {"SERVICE": "..."}).
    """
    fixed = fixed or {}
    unknown = [d for d in (*group_by, *fixed) if d not in DIMENSION_FIELDS]
    if unknown:
        raise ValueError(f"unsupported dimensions {unknown}; known: {sorted(DIMENSION_FIELDS)}")
    for entry in results_by_time:
        try:
            day = date.fromisoformat(entry["TimePeriod"]["Start"])
        except (KeyError, TypeError, ValueError) as exc:
            raise CostResponseError(f"result without a valid TimePeriod.Start: {entry!r}") from exc
        estimated = bool(entry.get("Estimated", False))
        for group in entry.get("Groups", []):
            keys = group.get("Keys", [])
            if len(keys) != len(group_by):
                raise CostResponseError(
                    f"{day}: group keys {keys!r} do not match the group-by {list(group_by)}"
                )
            where = f"{day} {keys}"
            metrics = group.get("Metrics", {})
            billed = _metric(metrics, BILLED_METRIC, where=where)
            effective = _metric(metrics, EFFECTIVE_METRIC, where=where)
            quantity = _metric(metrics, QUANTITY_METRIC, where=where)
            for money in (billed, effective):
                if money.get("Unit") != currency:
                    raise CostResponseError(
                        f"{where}: amount in {money.get('Unit')!r}, expected {currency!r}"
                    )
            dims = {DIMENSION_FIELDS[d]: v for d, v in fixed.items()}
            dims.update({DIMENSION_FIELDS[d]: str(k) for d, k in zip(group_by, keys, strict=True)})
            yield CostLine(
                day=day,
                **dims,
                billed_cost=parse_amount(billed.get("Amount"), what=f"{where} {BILLED_METRIC}"),
                effective_cost=parse_amount(
                    effective.get("Amount"), what=f"{where} {EFFECTIVE_METRIC}"
                ),
                consumed_quantity=parse_amount(
                    quantity.get("Amount"), what=f"{where} {QUANTITY_METRIC}"
                ),
                pricing_unit=str(quantity.get("Unit") or ""),
                estimated=estimated,
            )
