-- The rows a WHERE checked in the scan lets through, listed: DATE(ts) =
-- a day (a range on the TIMESTAMP) and an INT64 equality, over 15 blocks
-- (block_rows 100) most of which hold no such row, with their strings.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT tpep_pickup_datetime, store_and_fwd_flag, fare_amount, pulocationid FROM taxi_data.trips_blocks
WHERE DATE(tpep_dropoff_datetime) = '2021-01-01' AND vendorid = 2
ORDER BY tpep_pickup_datetime, fare_amount, pulocationid LIMIT 5 OFFSET 10;
-- sqlite: SELECT tpep_pickup_datetime, store_and_fwd_flag, fare_amount, pulocationid FROM staging_taxi_trips WHERE DATE(tpep_dropoff_datetime) = '2021-01-01' AND vendorid = 2 ORDER BY tpep_pickup_datetime, fare_amount, pulocationid LIMIT 5 OFFSET 10;
-- expect:
-- 2021-01-01 00:03:48	N	9.5	100
-- 2021-01-01 00:04:15	N	15.0	68
-- 2021-01-01 00:04:21	N	4.5	239
-- 2021-01-01 00:04:44	N	9.5	113
-- 2021-01-01 00:04:58	N	8.5	48
