-- ARRAY_CONCAT joins arrays of one element type in order (BigQuery's
-- example: [1, 2], [3, 4], [5, 6] is [1, 2, 3, 4, 5, 6]); NULL elements
-- stay, and a NULL array makes the result NULL; on a table of 16 blocks.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT ARRAY_CONCAT([1, 2], [3, 4], [5, 6]),
       ARRAY_CONCAT(ARRAY_AGG(symbol ORDER BY market_cap_rank LIMIT 2), ['x'], ARRAY_AGG(symbol ORDER BY market_cap_rank DESC LIMIT 1)),
       ARRAY_LENGTH(ARRAY_CONCAT([1, NULL], [NULL])), ARRAY_CONCAT([1], NULL) IS NULL, ARRAY_LENGTH(ARRAY_CONCAT(ARRAY_AGG(id), ARRAY_AGG(id)))
FROM crypto.coins16;
-- nosqlite
-- expect:
-- [1, 2, 3, 4, 5, 6]	["btc", "eth", "x", "bat"]	3	true	500
