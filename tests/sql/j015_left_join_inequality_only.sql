-- LEFT JOIN ON an inequality alone: every right row is a candidate,
-- and a left row none passes is kept once with NULLs.
-- setup: CREATE OR REPLACE TABLE crypto.coins_blocks OPTIONS (block_rows = 50) AS SELECT * FROM crypto.coins
SELECT a.market_cap_rank, COUNT(*), COUNT(b.id), MAX(b.market_cap_rank)
FROM crypto.coins_blocks a LEFT JOIN crypto.coins_blocks b ON b.market_cap_rank < a.market_cap_rank
WHERE a.market_cap_rank <= 4 OR a.market_cap_rank >= 248 GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT a.market_cap_rank, COUNT(*), COUNT(b.id), MAX(b.market_cap_rank) FROM coins a LEFT JOIN coins b ON b.market_cap_rank < a.market_cap_rank WHERE a.market_cap_rank <= 4 OR a.market_cap_rank >= 248 GROUP BY 1 ORDER BY 1;
-- expect:
-- 1	1	0	NULL
-- 2	1	1	1
-- 3	2	2	2
-- 4	3	3	3
-- 248	247	247	247
-- 249	248	248	248
-- 250	249	249	249
