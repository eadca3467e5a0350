-- SUM over no rows is NULL, and an expression of aggregates over no rows
-- is what the correlated form gives: COUNT(*) + 1 is 1.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT c1.market_cap_rank,
       (SELECT SUM(c2.current_price) FROM crypto.coins16 c2 WHERE c2.market_cap_rank = c1.market_cap_rank AND c2.market_cap_rank > 3),
       (SELECT COUNT(*) + 1 FROM crypto.coins16 c2 WHERE c2.market_cap_rank = c1.market_cap_rank AND c2.market_cap_rank > 3)
FROM crypto.coins16 c1 WHERE c1.market_cap_rank IN (1, 2, 3, 250) ORDER BY 1;
-- sqlite: SELECT c1.market_cap_rank, (SELECT SUM(c2.current_price) FROM coins c2 WHERE c2.market_cap_rank = c1.market_cap_rank AND c2.market_cap_rank > 3), (SELECT COUNT(*) + 1 FROM coins c2 WHERE c2.market_cap_rank = c1.market_cap_rank AND c2.market_cap_rank > 3) FROM coins c1 WHERE c1.market_cap_rank IN (1, 2, 3, 250) ORDER BY 1;
-- expect:
-- 1	NULL	1
-- 2	NULL	1
-- 3	NULL	1
-- 250	0.177727925883777	2
