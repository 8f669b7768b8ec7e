-- The check of the basis parameter (delta_charge.sql), a term of a delta file's `invalid`.
             + throwIf({basis:String} NOT IN ('effective', 'billed'), 'basis must be effective or billed')
