SELECT id, symbol FROM crypto.coins UNION ALL SELECT id FROM crypto.coins
-- error: Queries in UNION ALL have mismatched column count; query 1 has 2 columns, query 2 has 1 column at [1:47]
