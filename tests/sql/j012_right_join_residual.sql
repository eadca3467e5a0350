-- A RIGHT JOIN with a condition on its left side: the condition decides
-- which pairs match, and every right row stays.
-- setup: CREATE OR REPLACE TABLE crypto.coins_blocks OPTIONS (block_rows = 50) AS SELECT * FROM crypto.coins
SELECT b.market_cap_rank, a.symbol FROM crypto.coins_blocks a RIGHT JOIN crypto.coins_blocks b
ON a.id = b.id AND a.market_cap_rank + b.market_cap_rank < 7
WHERE b.market_cap_rank <= 5 ORDER BY 1;
-- sqlite: SELECT b.market_cap_rank, a.symbol FROM coins a RIGHT JOIN coins b ON a.id = b.id AND a.market_cap_rank + b.market_cap_rank < 7 WHERE b.market_cap_rank <= 5 ORDER BY 1;
-- expect:
-- 1	btc
-- 2	eth
-- 3	usdt
-- 4	NULL
-- 5	NULL
