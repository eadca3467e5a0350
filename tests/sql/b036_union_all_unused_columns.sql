-- UNION ALL passes down only the columns the query uses: each arm counts
-- the column it gives for v, not the one it gives for the unused f.  The
-- arms read vendorid and ratecodeid of trips_blocks (INT64, never NULL
-- here, the table counted once): 1500 x 16 = 24000; fare_amount and
-- tip_amount are not read.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(v) FROM (
  SELECT vendorid AS v, fare_amount AS f FROM taxi_data.trips_blocks
  UNION ALL
  SELECT ratecodeid, tip_amount FROM taxi_data.trips_blocks);
-- sqlite: SELECT COUNT(*), SUM(v) FROM (SELECT vendorid AS v, fare_amount AS f FROM staging_taxi_trips UNION ALL SELECT ratecodeid, tip_amount FROM staging_taxi_trips);
-- bytes: processed=24000 estimate=24000 billed=10485760 partitions=1/1 blocks=15/15
-- expect:
-- 3000	4042
