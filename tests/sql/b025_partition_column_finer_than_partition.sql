-- A filter on the partitioning column at a finer grain than the partition
-- (five minutes of one day) prunes partitions, not blocks: the day's
-- partition counts whole.  trips_small_blocks is partitioned by day and
-- clustered by vendorid, in blocks of 100; the window falls in partition
-- 20210101 (500 rows, 5 blocks), whose blocks' last dropoffs are 01:20:18,
-- 01:27:41, 01:22:59, 01:29:28 and 01:16:10: pipe reads the 2 that reach
-- 01:25.  The figure: tpep_dropoff_datetime, 500 x 8 = 4000, in the 5
-- blocks of the 1 partition (of 9) read.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_small_blocks PARTITION BY DATE(tpep_dropoff_datetime) CLUSTER BY vendorid OPTIONS (block_rows = 100) AS SELECT vendorid, tpep_dropoff_datetime, fare_amount FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM taxi_data.trips_small_blocks
WHERE tpep_dropoff_datetime >= '2021-01-01 01:25:00' AND tpep_dropoff_datetime < '2021-01-01 01:30:00';
-- sqlite: SELECT COUNT(*) FROM staging_taxi_trips WHERE tpep_dropoff_datetime >= '2021-01-01 01:25:00' AND tpep_dropoff_datetime < '2021-01-01 01:30:00';
-- bytes: processed=4000 estimate=4000 billed=10485760 partitions=1/9 blocks=5/21 pipe_read=2
-- expect:
-- 2
