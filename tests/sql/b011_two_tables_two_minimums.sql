-- Each table referenced bills at least 10 MiB: coins and staging_taxi_trips
-- bill 2 x 10485760 = 20971520.  Bytes: market_cap_rank of coins (INT64,
-- 250 x 8 = 2000) and pulocationid of the trips (INT64, 1500 x 8 = 12000).
--   2000 + 12000 = 14000
SELECT COUNT(*) FROM crypto.coins a JOIN taxi_data.staging_taxi_trips b ON a.market_cap_rank = b.pulocationid
WHERE a.market_cap_rank <= 10;
-- bytes: processed=14000 billed=20971520
-- expect:
-- 5
