-- x [NOT] IN UNNEST(array): as IN a list of the elements, three-valued
-- (NULL when no element matches and one is NULL); on 16 blocks, with an
-- array of a column per row.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT COUNTIF(market_cap_rank IN UNNEST(GENERATE_ARRAY(1, 10, 3))), COUNTIF(symbol NOT IN UNNEST(['btc', 'eth'])),
       COUNTIF((symbol IN UNNEST(['btc', NULL])) IS NULL), COUNTIF(id IN UNNEST([symbol, name, LOWER(name)]))
FROM crypto.coins16;
-- sqlite: SELECT SUM(market_cap_rank IN (1, 4, 7, 10)), SUM(symbol NOT IN ('btc', 'eth')), SUM((symbol IN ('btc', NULL)) IS NULL), SUM(id IN (symbol, name, LOWER(name))) FROM coins;
-- expect:
-- 4	248	249	110
