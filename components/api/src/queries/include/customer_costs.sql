-- costs_by_customer and dashboard_summary: each customer's cost over [start, end) from the rollup
-- (`owned`: customer, node_id, billed_cost, effective_cost, share_pct, accounts) beside what
-- shared-cost split rules moved to it (`shared.shared_effective_cost`, from cost_allocations;
-- docs/allocation.md). A customer no rule gave anything gets the column type's default: 0.
    (
        SELECT
            marqo_customer AS customer,
            concat('customer:', marqo_customer) AS node_id,
            sum(billed_cost) AS billed_cost,
            sum(effective_cost) AS effective_cost,
            if(sum(effective_cost) OVER () = 0, toDecimal128(0, 6),
               toDecimal128(effective_cost * 100, 6) / sum(effective_cost) OVER ()) AS share_pct,
            uniqExact(account_id) AS accounts
        FROM cost_by_owner_daily
        WHERE charge_date >= {start:Date} AND charge_date < {end:Date}
        GROUP BY marqo_customer
    ) AS owned
    LEFT JOIN
    (
        SELECT to_customer AS customer, sum(effective_cost) AS shared_effective_cost
        FROM cost_allocations
        WHERE charge_date >= {start:Date} AND charge_date < {end:Date}
        GROUP BY to_customer
    ) AS shared USING (customer)
