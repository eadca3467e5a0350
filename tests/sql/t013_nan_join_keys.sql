-- NaN = NaN is false, in a hash join's keys too: the 5 coins whose price
-- is NaN match nothing, not each other.  16 blocks.
-- setup: CREATE OR REPLACE TABLE crypto.coins_nan OPTIONS (block_rows = 16) AS SELECT id, market_cap_rank, IF(market_cap_rank <= 5, CAST('nan' AS FLOAT64), current_price) AS price FROM crypto.coins
SELECT COUNT(*), COUNT(b.id) FROM crypto.coins_nan a LEFT JOIN crypto.coins_nan b ON a.price = b.price AND a.id = b.id;
-- sqlite: SELECT COUNT(*), SUM(market_cap_rank > 5) FROM coins;
-- expect:
-- 250	245
