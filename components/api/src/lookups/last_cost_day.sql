-- last_cost_day: the last day with attributed cost data (issue 15). The API's default windows end
-- with it (exclusive end = the day after) instead of with today, so a default comparison never
-- reaches into days whose cost is not in yet.
--
-- Parameters: none.
--
-- Columns: last_cost_day Nullable(Date) (NULL when no cost was ever attributed).
SELECT maxOrNull(charge_date) AS last_cost_day FROM cost_by_owner_daily
