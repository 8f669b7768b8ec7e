-- window_completeness: how complete the cost data of a delta's two windows is (issue 15). A
-- window that reaches past the last day with cost data (today's cost is not in yet, a collector
-- stopped) holds fewer days of cost than the other, and its lower total is not a drop: every
-- delta answer carries these counts so the caller can say so (src/completeness.ts,
-- attribution/completeness.py).
--
-- Parameters
--   base_start, base_end, compare_start, compare_end  Date  the windows, [start, end)
--
-- A day holds cost data when the attribution engine wrote it (cost_by_owner_daily, the rollup of
-- cost_attributed_daily that every delta reads). A day is provisional when the latest collection
-- of that day in cost_daily marked it so (Cost Explorer revises the last ~72 hours); cost_daily is
-- not read FINAL: one collection writes a day at once, so its newest rows decide.
--
-- last_cost_day is read as in last_cost_day.sql: from the parts' metadata, not from every row.
--
-- Columns: last_cost_day Nullable(Date) (the last day with cost data anywhere; NULL when there is
-- none), base_days_with_cost, base_provisional_days, compare_days_with_cost,
-- compare_provisional_days UInt64.
SELECT
    (SELECT if(count() = 0, NULL, max(charge_date)) FROM cost_by_owner_daily) AS last_cost_day,
    (
        SELECT uniqExact(charge_date) FROM cost_by_owner_daily
        WHERE charge_date >= {base_start:Date} AND charge_date < {base_end:Date}
    ) AS base_days_with_cost,
    (
        SELECT countIf(provisional = 1) FROM
        (
            SELECT argMax(is_provisional, collected_at) AS provisional FROM cost_daily
            WHERE charge_period_start >= {base_start:Date} AND charge_period_start < {base_end:Date}
            GROUP BY charge_period_start
        )
    ) AS base_provisional_days,
    (
        SELECT uniqExact(charge_date) FROM cost_by_owner_daily
        WHERE charge_date >= {compare_start:Date} AND charge_date < {compare_end:Date}
    ) AS compare_days_with_cost,
    (
        SELECT countIf(provisional = 1) FROM
        (
            SELECT argMax(is_provisional, collected_at) AS provisional FROM cost_daily
            WHERE charge_period_start >= {compare_start:Date}
              AND charge_period_start < {compare_end:Date}
            GROUP BY charge_period_start
        )
    ) AS compare_provisional_days
