-- BigQuery counts a table once however many times a query reads it: a
-- self-join reads the columns either side names, once, and bills one
-- 10 MiB minimum.  id is STRING (2724 characters in 250 rows: 250 x 2 +
-- 2724 = 3224), market_cap_rank INT64 (250 x 8 = 2000).
--   3224 + 2000 = 5224
SELECT COUNT(*) FROM crypto.coins a JOIN crypto.coins b ON a.id = b.id
WHERE a.market_cap_rank <= 10;
-- bytes: processed=5224 estimate=5224 billed=10485760 partitions=1/1 blocks=1/1
-- expect:
-- 10
