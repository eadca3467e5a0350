-- An analytic function whose functions share one PARTITION BY and ORDER BY
-- of columns sorts the rows it holds into runs on disk when they would pass
-- the memory budget, and merges them a partition at a time: the dedup of
-- 1,500 rows of 15 blocks (block_rows 100) that holds them all needs some
-- 200 KB; within 48K it spills (without the spill, the budget's error).
-- memory: 48K
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(fare_amount), SUM(passenger_count), COUNT(DISTINCT store_and_fwd_flag)
FROM (SELECT * FROM taxi_data.trips_blocks
      QUALIFY ROW_NUMBER() OVER (PARTITION BY vendorid, tpep_pickup_datetime, tpep_dropoff_datetime ORDER BY fare_amount DESC) = 1);
-- sqlite: SELECT COUNT(*), SUM(fare_amount), SUM(passenger_count), COUNT(DISTINCT store_and_fwd_flag) FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY vendorid, tpep_pickup_datetime, tpep_dropoff_datetime ORDER BY fare_amount DESC) AS rn FROM staging_taxi_trips) WHERE rn = 1;
-- expect:
-- 1497	21174.58	2329	2
