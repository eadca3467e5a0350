-- A block holding a NaN keeps no min/max: with the bounds of its other
-- value (x >= 1 for every row, by them) the filter would take the block
-- whole and count the NaN row, which fails x >= 1.
-- setup: CREATE OR REPLACE TABLE crypto.nan_block AS SELECT current_price AS x FROM crypto.coins WHERE market_cap_rank = 1 UNION ALL SELECT CAST('nan' AS FLOAT64)
SELECT COUNT(*) FROM crypto.nan_block WHERE x >= 1;
-- nosqlite
-- expect:
-- 1
