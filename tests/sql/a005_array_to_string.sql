-- ARRAY_TO_STRING joins the elements with the delimiter; a NULL element is
-- left out, or written as the third argument.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT ARRAY_TO_STRING(ARRAY_AGG(symbol ORDER BY market_cap_rank LIMIT 4), '-'),
       ARRAY_TO_STRING(['a', NULL, 'c'], ','), ARRAY_TO_STRING(['a', NULL, 'c'], ',', 'none')
FROM crypto.coins16;
-- sqlite: SELECT (SELECT group_concat(symbol, '-') FROM (SELECT symbol FROM coins ORDER BY market_cap_rank LIMIT 4)), 'a,c', 'a,none,c';
-- expect:
-- btc-eth-usdt-xrp	a,c	a,none,c
