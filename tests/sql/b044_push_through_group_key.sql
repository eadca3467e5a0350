-- A filter on a GROUP BY key written around the aggregate moves below it
-- (a group is kept or dropped whole): vendorid = 2 prunes the blocks of
-- trips_by_vendor_payment_zone (clustered by vendorid first, blocks of
-- 100) to blocks 6 to 14.  The query uses vendorid alone (COUNT(*)):
--   processed: 900 x 8 = 7200; estimate: 1500 x 8 = 12000
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor_payment_zone CLUSTER BY vendorid, payment_type, pulocationid OPTIONS (block_rows = 100) AS SELECT vendorid, payment_type, pulocationid, fare_amount FROM taxi_data.staging_taxi_trips
SELECT vendorid, n FROM (
  SELECT vendorid, COUNT(*) AS n FROM taxi_data.trips_by_vendor_payment_zone GROUP BY vendorid)
WHERE vendorid = 2;
-- sqlite: SELECT vendorid, COUNT(*) FROM staging_taxi_trips WHERE vendorid = 2 GROUP BY vendorid;
-- bytes: processed=7200 estimate=12000 billed=10485760 partitions=1/1 blocks=9/15
-- expect:
-- 2	897
