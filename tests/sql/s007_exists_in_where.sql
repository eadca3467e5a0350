SELECT COUNT(*) FROM taxi_data.staging_taxi_trips WHERE EXISTS (SELECT 1 FROM crypto.coins WHERE symbol = 'btc') AND vendorid = 1;
-- expect:
-- 603
