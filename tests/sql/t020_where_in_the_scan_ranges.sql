-- The compares a scan checks on one column are one range: >= the least
-- INT64 still drops the NULLs (NULL passenger_count reads 0), a BETWEEN
-- with a negative bound and an equality with a range on the same column
-- (payment_type, vendorid) keep the rows each compare keeps, over blocks
-- of 100 rows.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_nulls OPTIONS (block_rows = 100) AS SELECT vendorid, tpep_pickup_datetime, tpep_dropoff_datetime, IF(MOD(pulocationid, 7) = 0, NULL, passenger_count) AS passenger_count, payment_type, fare_amount, store_and_fwd_flag FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(passenger_count), SUM(fare_amount) FROM taxi_data.trips_nulls
WHERE passenger_count >= -9223372036854775808 AND payment_type BETWEEN -3 AND 2
  AND vendorid = 2 AND vendorid >= 1;
-- sqlite: SELECT COUNT(*), SUM(passenger_count), SUM(fare_amount) FROM (SELECT vendorid, tpep_pickup_datetime, tpep_dropoff_datetime, CASE WHEN pulocationid % 7 = 0 THEN NULL ELSE passenger_count END AS passenger_count, payment_type, fare_amount, store_and_fwd_flag FROM staging_taxi_trips) WHERE passenger_count >= -9223372036854775808 AND payment_type BETWEEN -3 AND 2 AND vendorid = 2 AND vendorid >= 1;
-- expect:
-- 791	1266	11465.9
