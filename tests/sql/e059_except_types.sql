SELECT id FROM crypto.coins EXCEPT DISTINCT SELECT market_cap_rank FROM crypto.coins
-- error: Column 1 in EXCEPT DISTINCT has incompatible types: STRING, INT64 at [1:45]
