-- Strict compares on TIMESTAMP over 24 blocks: > and < of a whole second
-- leave that second out, checked on the stored seconds.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, COUNT(*), MIN(tpep_dropoff_datetime), MAX(tpep_dropoff_datetime)
FROM taxi_data.trips64 WHERE tpep_dropoff_datetime > '2021-01-01 00:30:28' AND tpep_dropoff_datetime < '2021-01-01 00:59:55'
GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, COUNT(*), MIN(tpep_dropoff_datetime), MAX(tpep_dropoff_datetime) FROM staging_taxi_trips WHERE tpep_dropoff_datetime > '2021-01-01 00:30:28' AND tpep_dropoff_datetime < '2021-01-01 00:59:55' GROUP BY vendorid ORDER BY vendorid;
-- expect:
-- 1	97	2021-01-01 00:30:34	2021-01-01 00:59:51
-- 2	170	2021-01-01 00:30:47	2021-01-01 00:59:51
