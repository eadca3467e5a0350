SELECT id FROM crypto.coins INTERSECT DISTINCT SELECT id, symbol FROM crypto.coins
-- error: Queries in INTERSECT DISTINCT have mismatched column count; query 1 has 1 column, query 2 has 2 columns at [1:48]
