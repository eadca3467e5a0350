SELECT (SELECT id, symbol FROM crypto.coins LIMIT 1)
-- error: Scalar subquery cannot have more than one column unless using SELECT AS STRUCT to build STRUCT values at [1:8]
