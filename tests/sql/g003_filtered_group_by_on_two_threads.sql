-- A GROUP BY under a WHERE that is exactly the scan's prunes, over 24
-- blocks on two threads: each thread checks its blocks' dropoff times in
-- the scan and groups the rows that pass.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, COUNT(*), MIN(tpep_dropoff_datetime), MAX(tpep_dropoff_datetime)
FROM taxi_data.trips64 WHERE tpep_dropoff_datetime BETWEEN '2021-01-01 00:30:00' AND '2021-01-01 01:00:00'
GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, COUNT(*), MIN(tpep_dropoff_datetime), MAX(tpep_dropoff_datetime) FROM staging_taxi_trips WHERE tpep_dropoff_datetime BETWEEN '2021-01-01 00:30:00' AND '2021-01-01 01:00:00' GROUP BY vendorid ORDER BY vendorid;
-- bytes: processed=24000 estimate=24000 billed=10485760 partitions=1/1 blocks=24/24 pipe_read=9
-- expect:
-- 1	99	2021-01-01 00:30:28	2021-01-01 00:59:55
-- 2	175	2021-01-01 00:30:04	2021-01-01 00:59:51
