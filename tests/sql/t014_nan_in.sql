-- NaN IN (...) is FALSE when no value is NULL (NaN equals nothing), in a
-- list and in a subquery; NULL when one is.
SELECT CAST('nan' AS FLOAT64) IN (CAST('nan' AS FLOAT64), 1),
       CAST('nan' AS FLOAT64) IN (SELECT price FROM crypto.coins_nan),
       CAST('nan' AS FLOAT64) IN (1, NULL),
       CAST('nan' AS FLOAT64) = CAST('nan' AS FLOAT64);
-- setup: CREATE OR REPLACE TABLE crypto.coins_nan OPTIONS (block_rows = 16) AS SELECT id, market_cap_rank, IF(market_cap_rank <= 5, CAST('nan' AS FLOAT64), current_price) AS price FROM crypto.coins
-- nosqlite
-- expect:
-- 0	0	NULL	0
