-- A logical node's customer as a condition on a sorting key that starts with marqo_customer after
-- the window (cost_delta_blocks, the pair tables), so that a customer, cluster or role reads only
-- its customer's range. Spelled with the bound parameters, which fold to a constant: inside the
-- node-kind multiIf the condition never reached the index (a customer's ranking read every row).
    ({hierarchy:String} != 'logical'
     OR NOT match({node_id:String}, '^(customer|cluster|role):')
     OR marqo_customer = splitByChar('/', substring({node_id:String},
                                                    position({node_id:String}, ':') + 1))[1])
        AS in_node_customer,
