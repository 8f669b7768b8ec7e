-- resources: the inventory on one day, filtered, sorted and paged, with each resource's cost
-- that day.
--
-- Parameters ('' = any for every String filter)
--   as_of          Date        the snapshot day
--   customer       String      marqo_customer
--   cluster        String      marqo_cluster
--   role           String      marqo_role
--   account_id     String      AWS account id
--   resource_type  String      e.g. 'ec2:instance'
--   state          String      e.g. 'running'
--   search         String      case-insensitive substring of the resource id, ARN or a tag value
--   sort           Identifier  one of the output columns resource_id, resource_type, account_id,
--                              region, state, marqo_customer, marqo_cluster, marqo_role, cost
--                              (any other name fails: only the columns below are in scope)
--   direction      String      'asc' or 'desc'
--   limit          UInt32      page size
--   offset         UInt32      rows to skip
--
-- Columns: resource_id, resource_type, account_id, region, state, marqo_customer,
-- marqo_cluster, marqo_role, marqo_environment, owner_rule, is_idle, idle_reason,
-- physical_parent_id, arn, tags, cost (effective cost on as_of), total_rows (rows matching the
-- filters, for paging). Ties are broken by resource_id.
WITH
    {as_of:Date} AS day,
    {direction:String} AS dir,
    (SELECT throwIf(dir NOT IN ('asc', 'desc'), 'direction must be asc or desc')) AS invalid
SELECT *
FROM
(
    SELECT
        s.resource_id AS resource_id,
        s.resource_type AS resource_type,
        s.account_id AS account_id,
        s.region AS region,
        s.state AS state,
        s.marqo_customer AS marqo_customer,
        s.marqo_cluster AS marqo_cluster,
        s.marqo_role AS marqo_role,
        s.marqo_environment AS marqo_environment,
        s.owner_rule AS owner_rule,
        s.is_idle AS is_idle,
        s.idle_reason AS idle_reason,
        s.physical_parent_id AS physical_parent_id,
        s.arn AS arn,
        s.tags AS tags,
        c.cost AS cost,
        count() OVER () AS total_rows
    FROM
    (
        SELECT *
        FROM resource_snapshots FINAL
        WHERE snapshot_date = day
          AND ({customer:String} = '' OR marqo_customer = {customer:String})
          AND ({cluster:String} = '' OR marqo_cluster = {cluster:String})
          AND ({role:String} = '' OR marqo_role = {role:String})
          AND ({account_id:String} = '' OR account_id = {account_id:String})
          AND ({resource_type:String} = '' OR resource_type = {resource_type:String})
          AND ({state:String} = '' OR state = {state:String})
          AND ({search:String} = ''
               OR positionCaseInsensitiveUTF8(resource_id, {search:String}) > 0
               OR positionCaseInsensitiveUTF8(arn, {search:String}) > 0
               OR arrayExists(v -> positionCaseInsensitiveUTF8(v, {search:String}) > 0, mapValues(tags)))
    ) AS s
    LEFT ANY JOIN
    (
        SELECT resource_id, sum(effective_cost) AS cost
        FROM cost_attributed_daily
        WHERE charge_date = day AND resource_id != ''
        GROUP BY resource_id
    ) AS c ON s.resource_id = c.resource_id
    WHERE invalid = 0
)
ORDER BY
    if(dir = 'asc', {sort:Identifier}, NULL) ASC NULLS LAST,
    if(dir = 'desc', {sort:Identifier}, NULL) DESC NULLS LAST,
    resource_id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
SETTINGS join_use_nulls = 0
