-- A select item nothing around the subquery uses is neither read nor
-- evaluated: `never` would divide by zero in every row, and trip_distance
-- and tip_amount are not read; the sort carries them as NULLs.  The bytes
-- count vendorid, fare_amount and tpep_pickup_datetime (the sort):
-- 1500 x 24 = 36000.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT v, f FROM (
  SELECT vendorid AS v, fare_amount AS f, tip_amount / (fare_amount - fare_amount) AS never, trip_distance AS d
  FROM taxi_data.trips_blocks ORDER BY fare_amount DESC, tpep_pickup_datetime LIMIT 3);
-- sqlite: SELECT v, f FROM (SELECT vendorid AS v, fare_amount AS f FROM staging_taxi_trips ORDER BY fare_amount DESC, tpep_pickup_datetime LIMIT 3);
-- bytes: processed=36000 estimate=36000 billed=10485760 partitions=1/1 blocks=15/15
-- expect:
-- 2	86.5
-- 2	82.8
-- 2	82.5
