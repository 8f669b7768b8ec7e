from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from clickhouse.client import PoloClickHouse
from collectors.cost_explorer.rows import CostDailyRow
from collectors.cost_explorer.store import CostStore
from schema.migrate import apply_migrations

EARLY = datetime(2024, 3, 2, 6, tzinfo=UTC)
LATE = datetime(2024, 3, 3, 6, tzinfo=UTC)
D1, D2, D3 = date(2024, 2, 27), date(2024, 2, 28), date(2024, 2, 29)


@pytest.fixture
def store(ch_client: Any) -> CostStore:
    db = PoloClickHouse(ch_client)
    apply_migrations(db)
    return CostStore(db)


def row(
    day: date, usage_type: str, billed: str, *, provisional: bool, at: datetime
) -> CostDailyRow:
    return CostDailyRow(
        charge_period_start=day,
        account_id="111111111111",
        region="us-east-1",
        service_name="S",
        usage_type=usage_type,
        resource_id="",
        billed_cost=Decimal(billed),
        effective_cost=Decimal(billed),
        consumed_quantity=Decimal("1.5"),
        pricing_unit="Hrs",
        is_provisional=provisional,
        collected_at=at,
    )


def test_a_day_is_final_when_its_latest_rows_all_are(store: CostStore) -> None:
    assert (
        store.write(
            [
                row(D1, "a", "1", provisional=True, at=EARLY),
                row(D1, "a", "1.1", provisional=False, at=LATE),  # re-collected as final
                row(D2, "a", "1", provisional=False, at=LATE),
                row(D2, "b", "1", provisional=True, at=LATE),  # one provisional key keeps D2 open
                row(D3, "a", "1", provisional=False, at=LATE),
            ]
        )
        == 5
    )
    assert store.final_days(D1, D3) == {D1}  # the window end is exclusive
    assert store.final_days(D1, date(2024, 3, 1)) == {D1, D3}


def test_current_rows_are_the_latest_collection_round_tripped_exactly(store: CostStore) -> None:
    store.write(
        [
            row(D1, "a", "0.000001", provisional=True, at=EARLY),
            row(D1, "a", "999999999999.999999", provisional=False, at=LATE),  # Decimal(18, 6) max
            row(D2, "a", "5", provisional=True, at=EARLY),
        ]
    )
    [current] = store.current_rows([D1])
    assert current == row(D1, "a", "999999999999.999999", provisional=False, at=LATE)
    assert current.collected_at.tzinfo is not None
    assert store.current_rows([]) == []
