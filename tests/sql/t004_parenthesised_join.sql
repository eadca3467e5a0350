-- a JOIN (b JOIN c ON ...) ON ...: the join in parentheses is one item,
-- its ON sees its own two sides.  Tables of 16 blocks.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT a.id, b.symbol, c.market_cap_rank
FROM crypto.coins16 a
JOIN (crypto.coins16 b JOIN crypto.coins16 c ON b.market_cap_rank = c.market_cap_rank + 1)
  ON a.market_cap_rank = c.market_cap_rank
WHERE a.market_cap_rank <= 3
ORDER BY a.id;
-- sqlite: SELECT a.id, b.symbol, c.market_cap_rank FROM coins a JOIN (coins b JOIN coins c ON b.market_cap_rank = c.market_cap_rank + 1) ON a.market_cap_rank = c.market_cap_rank WHERE a.market_cap_rank <= 3 ORDER BY a.id;
-- expect:
-- bitcoin	eth	1
-- ethereum	usdt	2
-- tether	xrp	3
