-- delta_resources: a resource classified relative to the node from its lines (per usage type,
-- under the node or not: under, line_key, line_seen, last, cost_a, quantity_a, rows_a, cost_b,
-- quantity_b, rows_b, usage_hash), as attribution/delta.py classifies it from its cost rows (a
-- charge line's component is its category: delta_charge.sql): the SELECT list of a GROUP BY
-- resource_hash over its lines.
                resource_hash,
                kind != 'root' AND NOT startsWith(any(line_key), 'unresourced:') AS looked_up,
                max(under AND rows_a > 0) AS in_a,
                max(under AND rows_b > 0) AS in_b,
                max(charge_of(usage_hash)) AS line_charge,
                multiIf(
                    line_charge > 0, charge_names[line_charge % 8],
                    in_a AND in_b AND NOT (looked_up AND countIf(NOT under) > 0), 'continuing',
                    NOT if(looked_up, max(rows_a > 0), in_a), 'created',
                    NOT if(looked_up, max(rows_b > 0), in_b), 'removed',
                    in_b AND (NOT in_a OR maxIf(last, under) = max(last)), 'transferred_in',
                    'transferred_out') AS component,
                per_row(toInt256(sumIf(cost_a, under)) * scale_a) AS total_a,
                per_row(toInt256(sumIf(cost_b, under)) * scale_b) AS total_b,
                sumIf(rate(cost_a * scale_a, cost_b * scale_b, quantity_a * scale_a,
                           quantity_b * scale_b, rows_a > 0 AND rows_b > 0), under) AS rate_micro,
                max(under AND rows_a > 0 AND rows_b > 0 AND (quantity_a <= 0 OR quantity_b <= 0))
                    AS flagged,
                argMaxIf(line_seen, (last, line_seen), under) AS seen