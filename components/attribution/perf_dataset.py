"""A large synthetic dataset generated inside ClickHouse, for the named-query benchmarks.

This is a load test, not a story: rows come from `INSERT ... SELECT ... FROM numbers()` so that
100 000 resources x 90 days (~10 M attributed cost rows, ~9 M snapshots, ~30 M closure rows)
load in about half a minute (plus ~45 s for the delta blocks) instead of going through Python
(closure rows for the last 30 days: the days the benchmarked queries read). The shape is
realistic where it matters to the queries:

- 10 accounts x 3 regions, a VPC per region, 4 subnets per VPC;
- 200 customers x 5 clusters x 4 roles; 3 % of resources unattributed;
- 60 % instances (box usage, some with data transfer), 30 % volumes attached to an instance,
  10 % Elastic IPs; AWS cost without a resource (support, tax) per account and day;
- 5 % of resources start late, 4 % end early; for the last 7 days 1 % move to another customer
  and 1 in 7 instances costs 10 % more; 0.5 % of lines have no quantity;
- a Savings Plan covers the box usage of 1 in 4 instances (effective cost 72 % of billed) until
  it expires 4 days before the end: their commitment lines (migration 021).

The tables are exactly the production ones (migrations applied beforehand); the rollup is filled
by its materialized view and the delta blocks by attribution.delta_blocks, as in production.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

from attribution import delta_blocks, delta_months, delta_weeks
from clickhouse.client import PoloClickHouse

# Per (resource r, day d): the derived facts every statement below shares.
_FACTS = """
    number % {resources:UInt32} AS r,
    intDiv(number, {resources:UInt32}) AS d,
    {start:Date} + d AS day,
    toString(100000000000 + intDiv(r, 10) % 10) AS account_id,
    intDiv(r, 100) % 3 AS region_index,
    ['us-east-1', 'eu-west-1', 'ap-southeast-2'][region_index + 1] AS region,
    concat('vpc-', account_id, toString(region_index)) AS vpc_id,
    concat('subnet-', account_id, toString(region_index), toString(intDiv(r, 300) % 4))
        AS subnet_id,
    multiIf(r % 10 < 6, 'ec2:instance', r % 10 < 9, 'ec2:volume', 'ec2:elastic-ip')
        AS resource_type,
    multiIf(r % 10 < 6, concat('i-', lower(hex(r))), r % 10 < 9, concat('vol-', lower(hex(r))),
            concat('eipalloc-', lower(hex(r)))) AS resource_id,
    concat('i-', lower(hex(r - 3))) AS host_instance,
    if(r % 20 = 0, r % 60, 0) AS first_day,
    if(r % 23 = 0, 60 + r % 30, {days:UInt32}) AS end_day,
    r % 33 = 0 AS untagged,
    if(r % 100 = 7 AND d >= {days:UInt32} - 7, (r + 1) % 200, r % 200) AS customer_index,
    if(untagged, 'unattributed', concat('cust', leftPad(toString(customer_index), 4, '0')))
        AS customer,
    if(untagged, '', concat('k', toString(intDiv(r, 200) % 5))) AS cluster,
    if(untagged, '', ['api', 'worker', 'db', 'search'][intDiv(r, 1000) % 4 + 1]) AS role
"""

_COST = f"""
INSERT INTO cost_attributed_daily
SELECT
    day, account_id, region,
    if(resource_type = 'ec2:instance', 'Amazon Elastic Compute Cloud - Compute', 'EC2 - Other'),
    usage_type, resource_id, resource_type, customer, cluster, role, 'prod',
    if(untagged, 'unattributed', 'tag:Customer'),
    toUInt8(resource_type = 'ec2:elastic-ip' AND r % 50 = 9),
    cost,
    if(resource_type = 'ec2:instance' AND usage_type = 'BoxUsage:m5.large' AND r % 4 = 1
           AND d < {{days:UInt32}} - 4,
       toDecimal64(cost * toDecimal64('0.72', 6), 6), cost),
    quantity, unit
FROM
(
    SELECT
        {_FACTS},
        arrayJoin(multiIf(
            resource_type = 'ec2:instance' AND r % 3 = 0,
                [('BoxUsage:m5.large', '24', '0.096', 'Hrs'),
                 ('DataTransfer-Out-Bytes', toString(10 + r % 50), '0.09', 'GB')],
            resource_type = 'ec2:instance', [('BoxUsage:m5.large', '24', '0.096', 'Hrs')],
            resource_type = 'ec2:volume', [('EBS:VolumeUsage.gp3', '3.333333', '0.08', 'GB-Mo')],
            [('PublicIPv4:InUseAddress', '24', '0.005', 'Hrs')])) AS line,
        line.1 AS usage_type,
        toDecimal128(if(r % 200 = 11, '0', line.2), 6) AS quantity,
        toDecimal64(toDecimal128(line.2, 6) * toDecimal128(line.3, 6)
            * if(resource_type = 'ec2:instance' AND r % 7 = 0 AND d >= {{days:UInt32}} - 7,
                 toDecimal128('1.1', 6), toDecimal128('1', 6)), 6) AS cost,
        line.4 AS unit
    FROM numbers({{resources:UInt32}} * {{days:UInt32}})
    WHERE d >= first_day AND d < end_day
)
SETTINGS max_partitions_per_insert_block = 1000
"""

_UNRESOURCED = """
INSERT INTO cost_attributed_daily
SELECT
    {start:Date} + intDiv(number, 20) AS day,
    toString(100000000000 + number % 10) AS account_id,
    'global', if(number % 20 < 10, 'AWS Support (Business)', 'Tax'),
    if(number % 20 < 10, 'Support', 'Tax'), '', '', 'unattributed', '', '', '', 'unattributed', 0,
    toDecimal64(35 + number % 7, 6), toDecimal64(35 + number % 7, 6), toDecimal128(0, 6), ''
FROM numbers({days:UInt32} * 20)
SETTINGS max_partitions_per_insert_block = 1000
"""

_SNAPSHOTS = f"""
INSERT INTO resource_snapshots
SELECT
    day, account_id, region, resource_type, resource_id,
    concat('arn:aws:ec2:', region, ':', account_id, ':', resource_id),
    if(resource_type = 'ec2:instance', 'running', 'in-use'),
    if(untagged, map('Name', resource_id),
       map('Customer', customer, 'Cluster', cluster, 'Role', role)),
    customer, cluster, role, 'prod', if(untagged, 'unattributed', 'tag:Customer'),
    toUInt8(resource_type = 'ec2:elastic-ip' AND r % 50 = 9),
    if(resource_type = 'ec2:elastic-ip' AND r % 50 = 9, 'unassociated_eip', ''),
    multiIf(resource_type = 'ec2:instance', subnet_id, resource_type = 'ec2:volume', host_instance,
            concat('region:', account_id, '/', region)),
    1
FROM (SELECT {_FACTS} FROM numbers({{resources:UInt32}} * {{days:UInt32}}))
WHERE d >= first_day AND d < end_day
"""

# Closure rows of every resource: its physical path and its logical path, one row per ancestor.
_ANCESTRY = f"""
INSERT INTO resource_ancestry
SELECT day, step.1, step.2, step.3, resource_id, resource_type, step.4, 1
FROM
(
    SELECT
        {_FACTS},
        concat('account:', account_id) AS account_node,
        concat('region:', account_id, '/', region) AS region_node,
        arrayJoin(arrayConcat(
            arrayMap(x -> ('physical', x.1, x.2, x.3), multiIf(
                resource_type = 'ec2:instance',
                    [(account_node, 'account', 4), (region_node, 'region', 3),
                     (vpc_id, 'ec2:vpc', 2),
                     (subnet_id, 'ec2:subnet', 1), (resource_id, resource_type, 0)],
                resource_type = 'ec2:volume',
                    [(account_node, 'account', 5), (region_node, 'region', 4),
                     (vpc_id, 'ec2:vpc', 3),
                     (subnet_id, 'ec2:subnet', 2), (host_instance, 'ec2:instance', 1),
                     (resource_id, resource_type, 0)],
                [(account_node, 'account', 2), (region_node, 'region', 1),
                 (resource_id, resource_type, 0)])),
            arrayMap(x -> ('logical', x.1, x.2, x.3), if(untagged,
                [('customer:unattributed', 'customer', 1), (resource_id, resource_type, 0)],
                [(concat('customer:', customer), 'customer', 3),
                 (concat('cluster:', customer, '/', cluster), 'cluster', 2),
                 (concat('role:', customer, '/', cluster, '/', role), 'role', 1),
                 (resource_id, resource_type, 0)])))) AS step
    FROM numbers({{resources:UInt32}} * {{days:UInt32}})
    WHERE d >= first_day AND d < end_day AND d >= {{days:UInt32}} - {{ancestry_days:UInt32}}
)
SETTINGS max_partitions_per_insert_block = 1000
"""

# Closure rows of the structural nodes (customers, clusters, roles; accounts, regions, VPCs,
# subnets), once per day: their ancestors and themselves.
_STRUCTURE = """
INSERT INTO resource_ancestry
SELECT DISTINCT {start:Date} + d AS day, h, a, at, n, nt, depth, 1
FROM
(
    SELECT
        intDiv(number, 4000) AS d,
        number % 4000 AS k,
        concat('cust', leftPad(toString(k % 200), 4, '0')) AS c,
        concat('k', toString(intDiv(k, 200) % 5)) AS cl,
        ['api', 'worker', 'db', 'search'][intDiv(k, 1000) % 4 + 1] AS ro,
        toString(100000000000 + k % 10) AS acct,
        intDiv(k, 10) % 3 AS ri,
        ['us-east-1', 'eu-west-1', 'ap-southeast-2'][ri + 1] AS rg,
        concat('customer:', c) AS cu_n,
        concat('cluster:', c, '/', cl) AS cl_n,
        concat('role:', c, '/', cl, '/', ro) AS ro_n,
        concat('account:', acct) AS ac_n,
        concat('region:', acct, '/', rg) AS rg_n,
        concat('vpc-', acct, toString(ri)) AS vpc_n,
        [('logical', cu_n, 'customer', cu_n, 'customer', 0),
         ('logical', cu_n, 'customer', cl_n, 'cluster', 1),
         ('logical', cl_n, 'cluster', cl_n, 'cluster', 0),
         ('logical', cu_n, 'customer', ro_n, 'role', 2),
         ('logical', cl_n, 'cluster', ro_n, 'role', 1),
         ('logical', ro_n, 'role', ro_n, 'role', 0),
         ('logical', 'customer:unattributed', 'customer', 'customer:unattributed', 'customer', 0),
         ('physical', ac_n, 'account', ac_n, 'account', 0),
         ('physical', ac_n, 'account', rg_n, 'region', 1),
         ('physical', rg_n, 'region', rg_n, 'region', 0),
         ('physical', ac_n, 'account', vpc_n, 'ec2:vpc', 2),
         ('physical', rg_n, 'region', vpc_n, 'ec2:vpc', 1),
         ('physical', vpc_n, 'ec2:vpc', vpc_n, 'ec2:vpc', 0)] AS rows,
        arrayJoin(rows) AS row,
        row.1 AS h, row.2 AS a, row.3 AS at, row.4 AS n, row.5 AS nt, row.6 AS depth
    FROM numbers({days:UInt32} * 4000)
    WHERE d >= {days:UInt32} - {ancestry_days:UInt32}
)
SETTINGS max_partitions_per_insert_block = 1000
"""

_SUBNETS = """
INSERT INTO resource_ancestry
SELECT {start:Date} + d, 'physical', x.1, x.2, subnet, 'ec2:subnet', x.3, 1
FROM
(
    SELECT
        intDiv(number, 120) AS d,
        number % 120 AS k,
        toString(100000000000 + k % 10) AS acct,
        intDiv(k, 10) % 3 AS ri,
        ['us-east-1', 'eu-west-1', 'ap-southeast-2'][ri + 1] AS rg,
        concat('subnet-', acct, toString(ri), toString(intDiv(k, 30) % 4)) AS subnet,
        arrayJoin([(concat('account:', acct), 'account', 3),
                   (concat('region:', acct, '/', rg), 'region', 2),
                   (concat('vpc-', acct, toString(ri)), 'ec2:vpc', 1),
                   (subnet, 'ec2:subnet', 0)]) AS x
    FROM numbers({days:UInt32} * 120)
    WHERE d >= {days:UInt32} - {ancestry_days:UInt32}
)
SETTINGS max_partitions_per_insert_block = 1000
"""

_LIFECYCLE = f"""
INSERT INTO lifecycle_events
SELECT
    concat('evt-', toString(r), '-', toString(d)),
    toDateTime64(day, 3, 'UTC') + toIntervalHour(r % 24),
    toDateTime64(day, 3, 'UTC'), account_id, region, 'ec2.amazonaws.com',
    if(d = first_day, 'RunInstances', 'TerminateInstances'),
    if(d = first_day, 'create', 'terminate'), resource_type, resource_id,
    concat('arn:aws:iam::', account_id, ':role/deployer'), 'AssumedRole', '203.0.113.7',
    'terraform/1.9.5', concat('req-', toString(r), '-', toString(d))
FROM (SELECT {_FACTS} FROM numbers({{resources:UInt32}} * {{days:UInt32}}))
WHERE (d = first_day AND first_day > 0) OR (end_day < {{days:UInt32}} AND d = end_day - 1)
"""

_RUNS = """
INSERT INTO collector_runs
SELECT
    concat('run-', toString(number)),
    ['config_ec2', 'config_ebs', 'config_network', 'relationships', 'cost_explorer',
     'lifecycle'][number % 6 + 1],
    toString(100000000000 + intDiv(number, 6) % 10), 'us-east-1',
    toDateTime64({start:Date} + intDiv(number, 60), 3, 'UTC'),
    toDateTime64({start:Date} + intDiv(number, 60), 3, 'UTC') + toIntervalSecond(40),
    1000, 5, if(number % 97 = 0, 'error', 'ok'), if(number % 97 = 0, 'ThrottlingException', '')
FROM numbers({days:UInt32} * 60)
"""

STEPS: tuple[tuple[str, str], ...] = (
    ("cost_attributed_daily (resources)", _COST),
    ("cost_attributed_daily (no resource)", _UNRESOURCED),
    ("resource_snapshots", _SNAPSHOTS),
    ("resource_ancestry (resources)", _ANCESTRY),
    ("resource_ancestry (structure)", _STRUCTURE),
    ("resource_ancestry (subnets)", _SUBNETS),
    ("lifecycle_events", _LIFECYCLE),
    ("collector_runs", _RUNS),
)


def generate(
    db: PoloClickHouse,
    *,
    resources: int = 100_000,
    days: int = 90,
    start: date = date(2026, 1, 1),
    ancestry_days: int = 30,
    progress: Callable[[str, float], None] | None = None,
) -> dict[str, int]:
    """Fill the (migrated, empty) database; returns the row count of every table written.

    The closure table is written for the last `ancestry_days` days only: every benchmarked
    query that reads it looks at the last 30 days, and it is by far the largest table.
    """
    params = {"resources": resources, "days": days, "start": start, "ancestry_days": ancestry_days}
    for label, sql in STEPS:
        began = time.perf_counter()
        db.command(f"perf_dataset:{label}", sql, params)
        if progress:
            progress(label, time.perf_counter() - began)
    began = time.perf_counter()
    delta_blocks.refresh_days(db, [start + timedelta(days=d) for d in range(days)])
    if progress:
        progress(delta_blocks.TABLE, time.perf_counter() - began)
    tables = (
        "cost_attributed_daily",
        "cost_by_owner_daily",
        delta_blocks.TABLE,
        delta_weeks.TABLE,
        delta_months.TABLE,
        "resource_snapshots",
        "resource_ancestry",
        "lifecycle_events",
        "collector_runs",
    )
    return {
        table: db.query(
            "perf_dataset:count", "SELECT count() FROM {t:Identifier}", {"t": table}
        ).result_rows[0][0]
        for table in tables
    }
