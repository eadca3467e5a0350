-- An untyped NULL in a UNION ALL takes the other arms' type (STRING
-- here, so LOWER applies; before, the NULL arm made it INT64 and the union
-- failed).  The coins in a table of 16 blocks.
-- setup: CREATE OR REPLACE TABLE crypto.coins16 OPTIONS (block_rows = 16) AS SELECT * FROM crypto.coins
SELECT LOWER(x), COUNT(*) FROM (
  SELECT NULL AS x
  UNION ALL SELECT symbol FROM crypto.coins16 WHERE market_cap_rank <= 3
  UNION ALL SELECT NULL
) GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT lower(x), COUNT(*) FROM (SELECT NULL AS x UNION ALL SELECT symbol FROM coins WHERE market_cap_rank <= 3 UNION ALL SELECT NULL) GROUP BY 1 ORDER BY 1;
-- expect:
-- NULL	2
-- btc	1
-- eth	1
-- usdt	1
