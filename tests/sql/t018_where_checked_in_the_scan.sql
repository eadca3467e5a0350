-- A WHERE that is exactly integer compares (INT64, TIMESTAMP) is checked
-- by the scan on those columns first, a block at a time (block_rows 100),
-- and only the rows that pass go on: NULLs pass no compare (NULL
-- passenger_count reads 0 and would pass <= 2), an IN list passes any of
-- its values, and the other columns (a STRING among them) are the rows
-- that passed.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_nulls OPTIONS (block_rows = 100) AS SELECT vendorid, tpep_pickup_datetime, tpep_dropoff_datetime, IF(MOD(pulocationid, 7) = 0, NULL, passenger_count) AS passenger_count, payment_type, fare_amount, store_and_fwd_flag FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(fare_amount), MIN(store_and_fwd_flag), MAX(tpep_pickup_datetime), SUM(passenger_count)
FROM taxi_data.trips_nulls
WHERE tpep_dropoff_datetime >= '2019-01-01 00:30:00' AND tpep_dropoff_datetime < '2023-01-01 00:40:00'
  AND payment_type IN (1, 3) AND passenger_count <= 2;
-- sqlite: SELECT COUNT(*), SUM(fare_amount), MIN(store_and_fwd_flag), MAX(tpep_pickup_datetime), SUM(passenger_count) FROM (SELECT tpep_pickup_datetime, tpep_dropoff_datetime, CASE WHEN pulocationid % 7 = 0 THEN NULL ELSE passenger_count END AS passenger_count, payment_type, fare_amount, store_and_fwd_flag FROM staging_taxi_trips) WHERE tpep_dropoff_datetime >= '2019-01-01 00:30:00' AND tpep_dropoff_datetime < '2023-01-01 00:40:00' AND payment_type IN (1, 3) AND passenger_count <= 2;
-- expect:
-- 553	7053.68	N	2023-01-01 00:37:17	694
