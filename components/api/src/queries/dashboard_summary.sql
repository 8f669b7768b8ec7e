-- dashboard_summary: everything the UI's dashboard shows for a window, in one query (one round
-- trip and one parse instead of five): the window's and the previous window's totals (what
-- `coverage` answers), cost per customer (`costs_by_customer`) and both windows' daily trends
-- (`daily_trend` for all customers), each computed exactly as in those files, from the daily
-- cost-by-owner rollup.
--
-- Parameters
--   start           Date  first day (inclusive)
--   end             Date  end of the window (exclusive)
--   previous_start  Date  first day of the window compared with (inclusive)
--   previous_end    Date  end of the window compared with (exclusive)
--
-- Columns: section ('window', 'previous': one row each, with coverage's columns total_cost,
-- attributed_cost, unattributed_cost, coverage_pct, customers; 'customer': one row per
-- customer of the window with costs_by_customer's columns customer, node_id, billed_cost,
-- effective_cost, direct_effective_cost, shared_effective_cost, share_pct, accounts; 'day', 'previous_day': one row per day of each window,
-- zero when there was no cost, with daily_trend's columns charge_date, billed_cost,
-- effective_cost, attributed_cost, unattributed_cost); a column a section does not have is
-- NULL. Sorted by section in that order, customers by effective_cost descending, days by date.
-- Each part is computed in a subquery of its own, with the expressions of the file it stands for;
-- the outer SELECTs only place its columns (an alias in a SELECT would shadow the column of the
-- same name in its aggregates).
SELECT *
FROM
(
    SELECT
        section,
        CAST(NULL, 'Nullable(Date)') AS charge_date,
        CAST(NULL, 'Nullable(String)') AS customer,
        CAST(NULL, 'Nullable(String)') AS node_id,
        CAST(NULL, 'Nullable(Decimal(38, 6))') AS billed_cost,
        CAST(NULL, 'Nullable(Decimal(38, 6))') AS effective_cost,
        CAST(NULL, 'Nullable(Decimal(38, 6))') AS direct_effective_cost,
        CAST(NULL, 'Nullable(Decimal(38, 6))') AS shared_effective_cost,
        total_cost,
        attributed_cost,
        unattributed_cost,
        coverage_pct,
        CAST(NULL, 'Nullable(Decimal(38, 6))') AS share_pct,
        customers,
        CAST(NULL, 'Nullable(UInt64)') AS accounts
    FROM
    (
        SELECT
            if(charge_date >= {start:Date} AND charge_date < {end:Date}, 'window', 'previous') AS section,
            sum(effective_cost) AS total_cost,
            sumIf(effective_cost, marqo_customer != 'unattributed') AS attributed_cost,
            sumIf(effective_cost, marqo_customer = 'unattributed') AS unattributed_cost,
            if(total_cost = 0, toDecimal128(100, 6),
               toDecimal128(attributed_cost * 100, 6) / total_cost) AS coverage_pct,
            uniqExactIf(marqo_customer, marqo_customer != 'unattributed') AS customers
        FROM
        (
            SELECT charge_date, marqo_customer, effective_cost
            FROM cost_by_owner_daily
            WHERE (charge_date >= {start:Date} AND charge_date < {end:Date})
               OR (charge_date >= {previous_start:Date} AND charge_date < {previous_end:Date})
            -- A zero row in each window, so a window without cost still has its row (as
            -- coverage, an aggregate without GROUP BY, always answers one).
            UNION ALL
            SELECT {start:Date}, 'unattributed', toDecimal64(0, 6)
            UNION ALL
            SELECT {previous_start:Date}, 'unattributed', toDecimal64(0, 6)
        )
        GROUP BY section
    )

    UNION ALL

    SELECT
        'customer', NULL, customer, node_id, billed_cost, effective_cost,
        effective_cost - shared.shared_effective_cost, shared.shared_effective_cost,
        NULL, NULL, NULL, NULL, share_pct, NULL, accounts
    FROM
    -- @include customer_costs.sql

    UNION ALL

    SELECT
        if(charge_date >= {start:Date} AND charge_date < {end:Date}, 'day', 'previous_day'),
        charge_date, NULL, NULL, billed_cost, effective_cost, NULL, NULL, NULL, attributed_cost, unattributed_cost, NULL, NULL, NULL, NULL
    FROM
    (
        SELECT
            charge_date,
            sum(billed) AS billed_cost,
            sum(effective) AS effective_cost,
            sumIf(effective, marqo_customer != 'unattributed') AS attributed_cost,
            sumIf(effective, marqo_customer = 'unattributed') AS unattributed_cost
        FROM
        (
            SELECT charge_date, marqo_customer, billed_cost AS billed, effective_cost AS effective
            FROM cost_by_owner_daily
        )
        WHERE (charge_date >= {start:Date} AND charge_date < {end:Date})
           OR (charge_date >= {previous_start:Date} AND charge_date < {previous_end:Date})
        GROUP BY charge_date
        ORDER BY charge_date WITH FILL
            FROM least({start:Date}, {previous_start:Date}) TO greatest({end:Date}, {previous_end:Date}) STEP 1
    )
    -- Filling runs over both windows and any days between them: only the windows' days stay.
    WHERE (charge_date >= {start:Date} AND charge_date < {end:Date})
       OR (charge_date >= {previous_start:Date} AND charge_date < {previous_end:Date})
)
WHERE (SELECT throwIf({end:Date} <= {start:Date} OR {previous_end:Date} <= {previous_start:Date},
                      'end must be after start (end is exclusive)')) = 0
ORDER BY
    indexOf(['window', 'previous', 'customer', 'day', 'previous_day'], section),
    charge_date,
    effective_cost DESC,
    customer
