-- A FULL JOIN whose ON holds more than the equality: a pair whose
-- residual fails leaves both of its rows unmatched, each NULL-extended.
-- setup: CREATE OR REPLACE TABLE crypto.coins_blocks OPTIONS (block_rows = 50) AS SELECT * FROM crypto.coins
SELECT COUNT(*), COUNT(a.id), COUNT(b.id), SUM(a.market_cap_rank), SUM(b.market_cap_rank)
FROM crypto.coins_blocks a FULL JOIN crypto.coins_blocks b ON a.id = b.id AND b.market_cap_rank < 5;
-- sqlite: SELECT COUNT(*), COUNT(a.id), COUNT(b.id), SUM(a.market_cap_rank), SUM(b.market_cap_rank) FROM coins a FULL JOIN coins b ON a.id = b.id AND b.market_cap_rank < 5;
-- expect:
-- 496	250	250	31375	31375
