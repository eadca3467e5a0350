-- Integer-range partitions of market_cap_rank: [1,51), [51,101), ...
-- [201,251): 5 partitions; rank <= 20 reads the first.
-- setup: CREATE OR REPLACE TABLE crypto.coins_by_rank PARTITION BY RANGE_BUCKET(market_cap_rank, GENERATE_ARRAY(1, 251, 50)) AS SELECT id, market_cap_rank, current_price FROM crypto.coins
SELECT COUNT(*) FROM crypto.coins_by_rank WHERE market_cap_rank <= 20;
-- sqlite: SELECT COUNT(*) FROM coins WHERE market_cap_rank <= 20;
-- bytes: partitions=1/5
-- expect:
-- 20
