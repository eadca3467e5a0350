-- An array written with column values, [a, b], per row; its elements take
-- their common type (INT64 and FLOAT64: FLOAT64), on a table of 16 blocks.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT id, [market_cap_rank, market_cap_rank * 2] AS ranks, ARRAY_LENGTH([id, symbol, name]) AS n,
       [market_cap_rank, current_price / current_price] AS mixed
FROM crypto.coins16 WHERE market_cap_rank IN (1, 2, 250) ORDER BY market_cap_rank;
-- sqlite: SELECT id, '[' || market_cap_rank || ', ' || (market_cap_rank * 2) || ']', 3, '[' || market_cap_rank || ', 1]' FROM coins WHERE market_cap_rank IN (1, 2, 250) ORDER BY market_cap_rank;
-- expect:
-- bitcoin	[1, 2]	3	[1, 1]
-- ethereum	[2, 4]	3	[2, 1]
-- basic-attention-token	[250, 500]	3	[250, 1]
