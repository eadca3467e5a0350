-- An ORDER BY past the memory budget sorts what it holds into runs on
-- disk and merges them: 1,500 rows of 15 blocks in some 3 runs, in order
-- (rows from the middle: ties broken by the next keys, then stably).
-- memory: 24K
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT fare_amount, tpep_pickup_datetime, store_and_fwd_flag, vendorid FROM taxi_data.trips_blocks
ORDER BY fare_amount DESC, tpep_pickup_datetime, vendorid LIMIT 6 OFFSET 700;
-- sqlite: SELECT fare_amount, tpep_pickup_datetime, store_and_fwd_flag, vendorid FROM staging_taxi_trips ORDER BY fare_amount DESC, tpep_pickup_datetime, vendorid LIMIT 6 OFFSET 700;
-- expect:
-- 11.4	2023-01-01 00:48:35	N	2
-- 11.4	2023-01-01 00:52:06	N	1
-- 11.4	2023-01-01 00:52:15	N	2
-- 11.4	2023-01-01 00:53:01	N	2
-- 11.4	2023-01-01 00:53:47	N	1
-- 11.4	2023-01-01 00:56:18	N	2
