-- LEFT JOIN ON an equality of expressions and a condition over both
-- sides: the equality is the hash key, the rest a residual per pair.
-- setup: CREATE OR REPLACE TABLE crypto.coins_blocks OPTIONS (block_rows = 50) AS SELECT * FROM crypto.coins
SELECT a.market_cap_rank, b.market_cap_rank FROM crypto.coins_blocks a LEFT JOIN crypto.coins_blocks b
ON a.market_cap_rank = b.market_cap_rank - 1 AND a.market_cap_rank + b.market_cap_rank < 12
WHERE a.market_cap_rank <= 8 ORDER BY 1;
-- sqlite: SELECT a.market_cap_rank, b.market_cap_rank FROM coins a LEFT JOIN coins b ON a.market_cap_rank = b.market_cap_rank - 1 AND a.market_cap_rank + b.market_cap_rank < 12 WHERE a.market_cap_rank <= 8 ORDER BY 1;
-- expect:
-- 1	2
-- 2	3
-- 3	4
-- 4	5
-- 5	6
-- 6	NULL
-- 7	NULL
-- 8	NULL
