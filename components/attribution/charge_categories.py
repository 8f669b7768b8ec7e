"""A delta by charge category: usage, commitments, credits, adjustments, tax, purchases.

The decomposition (attribution/delta.py) explains a change by what happened to resources. This
splits the same change by *what kind of charge* changed, the way an invoice does, so that a
Savings Plan that expired, a credit or tax is its own line rather than a price change of every
instance or a created resource (docs/attribution.md, "The delta by charge category").

A cost line's category comes from how `cost_daily` names it (attribution/charge_category.py).

On a usage line, effective cost = billed cost + the commitment discounts (Savings Plans,
Reserved Instances) amortised onto it, so the line counts twice over the two bases:

| category | effective basis | billed basis |
|---|---|---|
| usage | billed cost of usage lines | billed cost of usage lines |
| commitment | effective - billed of usage lines | 0 |
| credit, adjustment, tax, purchase | effective cost | billed cost |

On either basis the six lines sum to the node's total in each window exactly, hence their deltas
to total_B - total_A. `delta_charges` here is the Decimal reference the SQL named query
`delta_charges` is tested against (charge_categories_integration_test.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from attribution.charge_category import CATEGORIES, Category, category_of
from attribution.delta import Normalise, Window, is_under, round_div, validate_windows
from attribution.nodes import ROOT


class ChargeLine(BaseModel):
    """One attributed cost line of a day, placed by its hierarchy path (as attribution.delta)."""

    day: date
    path: tuple[str, ...] = Field(min_length=1)
    service_name: str
    usage_type: str
    billed: Decimal
    effective: Decimal


class ChargeDelta(BaseModel):
    """One category's totals in both windows, on the effective and on the billed basis."""

    category: Category
    total_a: Decimal
    total_b: Decimal
    delta: Decimal
    billed_total_a: Decimal
    billed_total_b: Decimal
    billed_delta: Decimal


def _amounts(line: ChargeLine) -> dict[Category, tuple[Decimal, Decimal]]:
    """(effective, billed) amounts of a line per category it counts in."""
    category = category_of(line.service_name, line.usage_type)
    if category != "usage":
        return {category: (line.effective, line.billed)}
    return {
        "usage": (line.billed, line.billed),
        "commitment": (line.effective - line.billed, Decimal(0)),
    }


def delta_charges(
    lines: Iterable[ChargeLine],
    base: Window,
    compare: Window,
    node_id: str = ROOT,
    normalise: Normalise = "none",
) -> list[ChargeDelta]:
    """The change under `node_id` per charge category, every category present (zeros included).

    A line counts where its day's path placed it (ownership is per day, as in the decomposition).
    With normalise='daily' each window's amount is per day of that window, rounded once per row.
    """
    validate_windows(base, compare)
    sums: dict[tuple[Category, str], list[Decimal]] = {
        (c, w): [Decimal(0), Decimal(0)] for c in CATEGORIES for w in ("a", "b")
    }
    for line in lines:
        if not is_under(line.path, node_id):
            continue
        if base.start <= line.day < base.end:
            window = "a"
        elif compare.start <= line.day < compare.end:
            window = "b"
        else:
            continue
        for category, (effective, billed) in _amounts(line).items():
            sums[category, window][0] += effective
            sums[category, window][1] += billed
    days_a, days_b = (base.end - base.start).days, (compare.end - compare.start).days
    rows = []
    for c in CATEGORIES:
        (ea, ba), (eb, bb) = (
            [x if normalise == "none" else round_div(x, days) for x in sums[c, w]]
            for w, days in (("a", days_a), ("b", days_b))
        )
        rows.append(
            ChargeDelta(
                category=c,
                total_a=ea,
                total_b=eb,
                delta=eb - ea,
                billed_total_a=ba,
                billed_total_b=bb,
                billed_delta=bb - ba,
            )
        )
    return rows
