-- AVG of INT64 averages in FLOAT64, as BigQuery does: a sum past INT64
-- does not overflow (SUM of the same does, t012).  16 blocks.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT AVG(market_cap_rank + 9223372036854775000), AVG(DISTINCT market_cap_rank + 9223372036854775000) FROM crypto.coins16;
-- nosqlite
-- expect:
-- 9223372036854775125.5	9223372036854775125.5
