-- The last multiIf arms that put a cost_attributed_daily row under a resource (logical leaf or
-- unresourced pseudo-resource), a region, or a physical node below a region on the row's day
-- (`in_span`: the days whose closure rows are read; node_regions.sql). Shared by node_cost_trend
-- and delta_charges.
            kind = 'leaf', if(resource_id != '', resource_id,
                              concat('unresourced:', account_id, '/', region, '/', service_name)) = node,
            kind = 'region', has(node_accounts, account_id) AND has(node_regions, region),
            -- Below a region: the node's descendants on each day, and the resource itself on
            -- days it had no closure rows (no snapshot, e.g. a bucket the collectors do not
            -- list: it hangs under its region, as the tree shows it).
            resource_id = node
            OR (has(node_accounts, account_id) AND has(node_regions, region)
                AND (charge_date, resource_id) IN (
                    SELECT snapshot_date, descendant_id
                    FROM resource_ancestry
                    WHERE hierarchy = 'physical' AND ancestor_id = node
                      AND in_span(snapshot_date)))
