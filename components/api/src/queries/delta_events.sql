-- delta_events: what happened to one resource in a window: its CloudTrail lifecycle events
-- (who did what, when) and the days its resolved owner changed. The end of the delta
-- drill-down: nodes -> resources -> events.
--
-- Parameters
--   resource_id  String  the AWS resource id (as in delta_resources.resource_id)
--   start        Date    first day (inclusive)
--   end          Date    end of the window (exclusive)
--
-- Columns: event_time, kind ('cloudtrail' | 'owner_change'), action (create | terminate |
-- modify | attach | detach | tag | untag | owner_change), event_name (the API call, or the new
-- owner rule), actor_arn, actor_type, source_ip, request_id, detail (for an owner change:
-- 'customer/cluster/role' before -> after). Sorted by event_time.
WITH
    {resource_id:String} AS rid,
    {start:Date} AS d0,
    {end:Date} AS d1,
    (SELECT throwIf(d1 <= d0, 'end must be after start (end is exclusive)')) AS invalid
SELECT *
FROM
(
    SELECT
        event_time,
        'cloudtrail' AS kind,
        toString(action) AS action,
        toString(event_name) AS event_name,
        actor_arn,
        toString(actor_type) AS actor_type,
        source_ip,
        request_id,
        '' AS detail
    FROM lifecycle_events FINAL
    WHERE resource_id = rid
      AND event_time >= toDateTime64(d0, 3, 'UTC') AND event_time < toDateTime64(d1, 3, 'UTC')
    UNION ALL
    SELECT
        toDateTime64(snapshot_date, 3, 'UTC') AS event_time,
        'owner_change',
        'owner_change',
        owner_rule,
        '',
        '',
        '',
        '',
        concat(previous_owner, ' -> ', owner)
    FROM
    (
        SELECT
            snapshot_date,
            owner_rule,
            concat(marqo_customer, '/', marqo_cluster, '/', marqo_role) AS owner,
            lagInFrame(concat(marqo_customer, '/', marqo_cluster, '/', marqo_role))
                OVER (ORDER BY snapshot_date ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS previous_owner,
            row_number() OVER (ORDER BY snapshot_date) AS nth
        FROM resource_snapshots FINAL
        -- The day before the window tells whether the first day of the window changed owner.
        WHERE resource_id = rid AND snapshot_date >= d0 - 1 AND snapshot_date < d1
    )
    WHERE nth > 1 AND owner != previous_owner AND snapshot_date >= d0
)
WHERE invalid = 0
ORDER BY event_time, kind
