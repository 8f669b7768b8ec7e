-- node_exists: does a node id name something in a hierarchy, on any day? The API asks only when a
-- node-scoped query returned no rows, to tell "unknown node" (404) from "nothing in this window"
-- (200 with no rows).
--
-- Parameters
--   hierarchy  String  'logical' or 'physical'
--   node_id    String  the node id ('' is the root, which always exists)
--
-- Every node of the closure table has a depth-0 row for itself on each day it exists
-- (attribution/hierarchy_builder.py). A node also exists, in both hierarchies, when cost was ever
-- attributed to it: a resource with cost but no snapshot (an EBS snapshot, a bucket the
-- inventory does not list, a day whose events were lost) is unattributed and hangs directly under
-- its region; cost that AWS reports without a resource id is the pseudo-resource
-- `unresourced:<account>/<region>/<service>` (attribution/nodes.py); an owner (logical) or an
-- account or region (physical) whose only cost is such cost has no closure rows either. The
-- scans of cost_attributed_daily run only when the closure table does not know the node.
--
-- Columns: node_exists UInt8.
WITH
    {hierarchy:String} AS h,
    {node_id:String} AS node,
    substring(node, position(node, ':') + 1) AS rest,
    splitByChar('/', rest) AS parts
SELECT toUInt8(
    node = ''
    OR (
        SELECT count()
        FROM resource_ancestry
        WHERE hierarchy = h AND ancestor_id = node AND depth = 0
    ) > 0
    OR (
        SELECT count()
        FROM cost_attributed_daily
        WHERE h IN ('logical', 'physical')
          AND multiIf(
                startsWith(node, 'unresourced:'), resource_id = ''
                    AND concat('unresourced:', account_id, '/', region, '/', service_name) = node,
                h = 'logical' AND startsWith(node, 'customer:'), marqo_customer = rest,
                h = 'logical' AND startsWith(node, 'cluster:'), marqo_cluster != ''
                    AND concat('cluster:', marqo_customer, '/', marqo_cluster) = node,
                h = 'logical' AND startsWith(node, 'role:'), marqo_role != ''
                    AND concat('role:', marqo_customer, '/', marqo_cluster, '/', marqo_role) = node,
                h = 'physical' AND startsWith(node, 'account:'), account_id = rest,
                h = 'physical' AND startsWith(node, 'region:'), account_id = parts[1]
                    AND region = parts[2],
                resource_id = node)
    ) > 0
) AS node_exists
