-- A subquery in FROM that selects more columns than the query around it
-- uses: only the used ones count.  The subquery names vendorid,
-- fare_amount, tip_amount, trip_distance and store_and_fwd_flag of
-- trips_blocks (the 1,500 trips in blocks of 100, unclustered); the outer
-- query uses vendorid and fare_amount (8 bytes each, never NULL):
--   1500 x 16 = 24000 in all 15 blocks
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, ROUND(SUM(fare_amount), 2) FROM (
  SELECT vendorid, fare_amount, tip_amount, trip_distance, store_and_fwd_flag
  FROM taxi_data.trips_blocks)
GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, ROUND(SUM(fare_amount), 2) FROM staging_taxi_trips GROUP BY vendorid ORDER BY vendorid;
-- bytes: processed=24000 estimate=24000 billed=10485760 partitions=1/1 blocks=15/15
-- expect:
-- 1	8264.08
-- 2	12870.7
