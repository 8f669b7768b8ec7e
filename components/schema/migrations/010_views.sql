-- 010 views: read-side conveniences over the tables above. Plain (non-materialized) views:
-- they hold no data, so they are always consistent with their source tables.

-- resource_latest: the most recent snapshot of every resource ever seen (deleted resources
-- keep their last row, with its final state). FINAL picks the newest build of each day, then
-- LIMIT 1 BY keeps the latest day per resource.
CREATE VIEW IF NOT EXISTS resource_latest AS
SELECT *
FROM resource_snapshots FINAL
ORDER BY account_id, resource_id, snapshot_date DESC
LIMIT 1 BY account_id, resource_id;

-- data_freshness: one row per collector that has ever run. last_ok_at is NULL when the
-- collector never succeeded; age_seconds is the time since the last successful run, which is
-- what "is the data fresh?" means. The last run's status and error show a collector that has
-- started failing after earlier successes.
CREATE VIEW IF NOT EXISTS data_freshness AS
SELECT
    collector,
    maxIfOrNull(finished_at, status = 'ok')                               AS last_ok_at,
    dateDiff('second', maxIfOrNull(finished_at, status = 'ok'), now64(3, 'UTC')) AS age_seconds,
    max(finished_at)                                                      AS last_run_at,
    argMax(status, finished_at)                                           AS last_status,
    argMax(error, finished_at)                                            AS last_error
FROM collector_runs FINAL
GROUP BY collector;
