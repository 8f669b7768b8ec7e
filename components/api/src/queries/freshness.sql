-- freshness: how recent the data is, per collector (from the data_freshness view over
-- collector_runs), so a dashboard can say "cost as of ...".
--
-- Parameters: none.
--
-- Columns: collector, last_ok_at (NULL if it never succeeded), age_seconds (since the last
-- successful run), last_run_at, last_status ('ok' | 'error'), last_error. Sorted by collector.
SELECT
    collector,
    last_ok_at,
    age_seconds,
    last_run_at,
    last_status,
    last_error
FROM data_freshness
ORDER BY collector
