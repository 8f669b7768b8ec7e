-- node_exists: does a node id name something in a hierarchy, on any day? The API asks only when a
-- node-scoped query returned no rows, to tell "unknown node" (404) from "nothing in this window"
-- (200 with no rows).
--
-- Parameters
--   hierarchy  String  'logical' or 'physical'
--   node_id    String  the node id ('' is the root, which always exists)
--
-- Every node of the closure table has a depth-0 row for itself on each day it exists
-- (attribution/hierarchy_builder.py). Cost that AWS reports without a resource id is the
-- pseudo-resource `unresourced:<account>/<region>/<service>` (attribution/nodes.py), which has
-- no snapshot: it exists if such cost was ever attributed.
--
-- Columns: node_exists UInt8.
SELECT toUInt8(
    {node_id:String} = ''
    OR (
        SELECT count()
        FROM resource_ancestry
        WHERE hierarchy = {hierarchy:String} AND ancestor_id = {node_id:String} AND depth = 0
    ) > 0
    OR (
        startsWith({node_id:String}, 'unresourced:')
        AND (
            SELECT count()
            FROM cost_attributed_daily
            WHERE resource_id = ''
              AND concat('unresourced:', account_id, '/', region, '/', service_name) = {node_id:String}
        ) > 0
    )
) AS node_exists
