-- UNION DISTINCT compares whole rows, so each arm counts every column it
-- gives, used around it or not; a column an arm's own subquery selects
-- and the arm drops still counts nothing.  Both arms read vendorid and
-- payment_type of trips_by_vendor_payment_zone (1500 x 16 = 24000, the
-- table counted once); neither reads fare_amount.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor_payment_zone CLUSTER BY vendorid, payment_type, pulocationid OPTIONS (block_rows = 100) AS SELECT vendorid, payment_type, pulocationid, fare_amount FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM (
  SELECT vendorid, payment_type FROM (SELECT vendorid, payment_type, fare_amount FROM taxi_data.trips_by_vendor_payment_zone)
  UNION DISTINCT
  SELECT payment_type, vendorid FROM taxi_data.trips_by_vendor_payment_zone);
-- sqlite: SELECT COUNT(*) FROM (SELECT vendorid, payment_type FROM staging_taxi_trips UNION SELECT payment_type, vendorid FROM staging_taxi_trips);
-- bytes: processed=24000 estimate=24000 billed=10485760 partitions=1/1 blocks=15/15
-- expect:
-- 10
