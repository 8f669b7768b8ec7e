-- The charge lines (migration 021): charge_of(usage_hash) is a line's charge, 0 for usage; 1
-- commitment, 2 credit, 3 adjustment, 4 tax, 5 purchase on the effective basis, 10-13 credit to
-- purchase on the billed basis (its category is charge % 8). A charge line's resource hash is
-- bitXor(its resource's hash, charge) (resource_of undoes it), so it is never classified with its
-- resource: each category is a component of its own (delta_columns.sql: 5 commitment to 9
-- purchase; delta_resources: the component charge_names[charge % 8]). in_basis(charge): does a line count on the basis asked for ({basis:String},
-- 'effective' or 'billed': delta_basis_check.sql).
    (u) -> if(u < 16, toUInt8(u), toUInt8(0)) AS charge_of,
    (h, u) -> bitXor(h, charge_of(u)) AS resource_of,
    (c) -> c = 0 OR (c < 8) = ({basis:String} = 'effective') AS in_basis,
    ['commitment', 'credit', 'adjustment', 'tax', 'purchase'] AS charge_names,
