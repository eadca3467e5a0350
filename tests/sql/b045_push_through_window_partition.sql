-- A filter on a column every window of the subquery partitions by moves
-- below the windows (a partition is kept or dropped whole); one on another
-- column would change the rows the windows number, and stays above.
-- The first query keeps vendorid = 2's blocks (6 to 14) of
-- trips_by_vendor_payment_zone and reads vendorid and fare_amount:
-- 900 x 16 = 14400 (estimate 1500 x 16 = 24000).  The second numbers by
-- payment_type, so vendorid = 2 prunes nothing: vendorid, payment_type and
-- fare_amount, 1500 x 24 = 36000.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor_payment_zone CLUSTER BY vendorid, payment_type, pulocationid OPTIONS (block_rows = 100) AS SELECT vendorid, payment_type, pulocationid, fare_amount FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM (
  SELECT vendorid, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY fare_amount) AS rn
  FROM taxi_data.trips_by_vendor_payment_zone)
WHERE vendorid = 2 AND rn <= 10;
-- sqlite: SELECT COUNT(*) FROM (SELECT vendorid, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY fare_amount) AS rn FROM staging_taxi_trips) WHERE vendorid = 2 AND rn <= 10;
-- bytes: processed=14400 estimate=24000 billed=10485760 partitions=1/1 blocks=9/15
-- expect:
-- 10
