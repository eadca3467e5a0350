-- A filter around a subquery with a LIMIT stays above it: filtering first
-- would change which rows the LIMIT keeps.  trips_by_vendor is clustered
-- by vendorid in blocks of 100, so vendorid = 2 pushed down would prune
-- blocks; here it prunes none.  The query uses vendorid, fare_amount and
-- tpep_pickup_datetime (the sort), 8 bytes each, not tip_amount:
--   1500 x 24 = 36000 in all 15 blocks
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor CLUSTER BY vendorid OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM (
  SELECT vendorid, fare_amount, tip_amount FROM taxi_data.trips_by_vendor
  ORDER BY fare_amount DESC, tpep_pickup_datetime LIMIT 500)
WHERE vendorid = 2;
-- sqlite: SELECT COUNT(*) FROM (SELECT vendorid FROM staging_taxi_trips ORDER BY fare_amount DESC, tpep_pickup_datetime LIMIT 500) WHERE vendorid = 2;
-- bytes: processed=36000 estimate=36000 billed=10485760 partitions=1/1 blocks=15/15
-- expect:
-- 308
