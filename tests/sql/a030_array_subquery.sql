-- ARRAY(SELECT ...): the rows' values as an array, in the subquery's
-- order; correlated, an array per outer row; over no rows, [].
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT c.market_cap_rank,
       ARRAY(SELECT x.symbol FROM crypto.coins16 x WHERE x.market_cap_rank BETWEEN c.market_cap_rank AND c.market_cap_rank + 2
             ORDER BY x.market_cap_rank DESC) AS nxt,
       ARRAY_LENGTH(ARRAY(SELECT x.id FROM crypto.coins16 x WHERE x.market_cap_rank > c.market_cap_rank + 1000)) AS none
FROM crypto.coins16 c WHERE c.market_cap_rank IN (1, 2, 249) ORDER BY 1;
-- sqlite: SELECT c.market_cap_rank, '["' || (SELECT group_concat(symbol, '", "') FROM (SELECT x.symbol FROM coins x WHERE x.market_cap_rank BETWEEN c.market_cap_rank AND c.market_cap_rank + 2 ORDER BY x.market_cap_rank DESC)) || '"]', 0 FROM coins c WHERE c.market_cap_rank IN (1, 2, 249) ORDER BY 1;
-- expect:
-- 1	["usdt", "eth", "btc"]	0
-- 2	["xrp", "usdt", "eth"]	0
-- 249	["bat", "mew"]	0
