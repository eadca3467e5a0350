-- LEFT JOIN UNNEST keeps a row whose array is empty (or NULL), with a NULL
-- element; JOIN UNNEST drops it (a017).
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT id, x FROM crypto.coins16
LEFT JOIN UNNEST(IF(market_cap_rank < 3, GENERATE_ARRAY(1, market_cap_rank), [])) AS x
WHERE market_cap_rank <= 4 ORDER BY market_cap_rank, x;
-- sqlite: SELECT 'bitcoin', 1 UNION ALL SELECT 'ethereum', 1 UNION ALL SELECT 'ethereum', 2 UNION ALL SELECT 'tether', NULL UNION ALL SELECT 'ripple', NULL;
-- expect:
-- bitcoin	1
-- ethereum	1
-- ethereum	2
-- tether	NULL
-- ripple	NULL
