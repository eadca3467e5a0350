-- JOIN UNNEST without ON (and a comma join) gives no row for an empty or
-- NULL array.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT id, x FROM crypto.coins16
JOIN UNNEST(IF(market_cap_rank = 1, NULL, IF(market_cap_rank < 4, GENERATE_ARRAY(1, market_cap_rank), []))) AS x
WHERE market_cap_rank <= 5 ORDER BY market_cap_rank, x;
-- sqlite: SELECT 'ethereum', 1 UNION ALL SELECT 'ethereum', 2 UNION ALL SELECT 'tether', 1 UNION ALL SELECT 'tether', 2 UNION ALL SELECT 'tether', 3;
-- expect:
-- ethereum	1
-- ethereum	2
-- tether	1
-- tether	2
-- tether	3
