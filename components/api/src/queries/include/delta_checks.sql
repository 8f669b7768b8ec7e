-- The checks every delta file makes of its parameters (the first terms of its `invalid`).
        SELECT throwIf(h NOT IN ('logical', 'physical'), 'hierarchy must be logical or physical')
             + throwIf(a1 <= a0 OR b1 <= b0, 'each window must end after it starts (end is exclusive)')
             + throwIf(a0 < b1 AND b0 < a1, 'base and compare windows must not overlap')
             + throwIf({normalise:String} NOT IN ('none', 'daily'), 'normalise must be none or daily')
