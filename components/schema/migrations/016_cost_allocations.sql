-- 016 cost_allocations: the provenance of shared-cost splits (docs/allocation.md), the way
-- FOCUS's Allocated* columns give it. When a split rule moves a cost row of
-- cost_attributed_daily (007) from its owner to target owners, 007 holds one row per target in
-- its place (owner_rule 'allocation:<rule id>'), and this table one row per part: which rule
-- (and which version of it, by effective date) moved how much, of which source row (account,
-- service, usage type, resource, with its whole cost), from which owner, to which owner.
-- The parts of one source row sum exactly to it (largest remainder at 6 places).
--
-- A separate table rather than columns on 007: the rows of 007 and every query over it stay as
-- they were, and without a rule this table is empty.
--
-- Engine: plain MergeTree with daily partitions, like 007, for the same reason: the attribution
-- engine rebuilds a day by dropping its partition here, in 007 and in 008, then writing it again.
CREATE TABLE IF NOT EXISTS cost_allocations
(
    charge_date           Date,
    allocation_rule       LowCardinality(String),
    rule_effective_from   Date,
    method                LowCardinality(String),
    account_id            LowCardinality(String),
    region                LowCardinality(String),
    service_name          LowCardinality(String),
    usage_type            LowCardinality(String),
    resource_id           String,
    from_customer         LowCardinality(String),
    from_cluster          LowCardinality(String),
    from_role             LowCardinality(String),
    from_owner_rule       String,
    to_customer           LowCardinality(String),
    to_cluster            LowCardinality(String),
    to_role               LowCardinality(String),
    source_billed_cost    Decimal(18, 6),
    source_effective_cost Decimal(18, 6),
    billed_cost           Decimal(18, 6),
    effective_cost        Decimal(18, 6),
    consumed_quantity     Decimal(24, 6),
    CONSTRAINT method_known CHECK method IN ('even', 'proportional', 'fixed')
)
ENGINE = MergeTree
PARTITION BY charge_date
ORDER BY (charge_date, allocation_rule, to_customer, to_cluster, to_role, resource_id);
