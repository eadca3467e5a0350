SELECT DISTINCT vendorid, COUNT(*) OVER (PARTITION BY vendorid), ROUND(AVG(total_amount) OVER (PARTITION BY vendorid), 6),
MAX(trip_distance) OVER (PARTITION BY vendorid), MIN(tpep_pickup_datetime) OVER (PARTITION BY vendorid) FROM taxi_data.staging_taxi_trips ORDER BY 1;
-- expect:
-- 1	603	18.830547	21.0	2019-01-01 00:00:03
-- 2	897	20.327246	33.18	2018-11-28 15:52:25
