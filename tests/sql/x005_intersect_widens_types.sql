SELECT market_cap_rank FROM crypto.coins INTERSECT DISTINCT SELECT trip_distance FROM taxi_data.staging_taxi_trips ORDER BY 1 DESC LIMIT 5;
-- sqlite: SELECT market_cap_rank FROM coins INTERSECT SELECT trip_distance FROM staging_taxi_trips ORDER BY 1 DESC LIMIT 5
-- expect:
-- 21
-- 18
-- 14
-- 11
-- 9
