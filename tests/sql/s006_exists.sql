SELECT EXISTS (SELECT 1 FROM crypto.coins WHERE current_price > 50000), EXISTS (SELECT * FROM crypto.coins WHERE current_price > 1e9),
NOT EXISTS (SELECT vendorid FROM taxi_data.staging_taxi_trips WHERE vendorid = 3);
-- expect:
-- 1	0	1
