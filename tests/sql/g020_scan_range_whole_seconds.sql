-- A BETWEEN on TIMESTAMP with bounds between whole seconds, over 24
-- blocks: the scan checks the stored seconds of a packed chunk, rounding
-- the lower bound up (00:30:28 is out) and the upper one down (00:59:55 too).
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, COUNT(*), MIN(tpep_dropoff_datetime), MAX(tpep_dropoff_datetime)
FROM taxi_data.trips64 WHERE tpep_dropoff_datetime BETWEEN '2021-01-01 00:30:28.5' AND '2021-01-01 00:59:54.999999'
GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, COUNT(*), MIN(tpep_dropoff_datetime), MAX(tpep_dropoff_datetime) FROM staging_taxi_trips WHERE tpep_dropoff_datetime BETWEEN '2021-01-01 00:30:28.5' AND '2021-01-01 00:59:54.999999' GROUP BY vendorid ORDER BY vendorid;
-- expect:
-- 1	97	2021-01-01 00:30:34	2021-01-01 00:59:51
-- 2	170	2021-01-01 00:30:47	2021-01-01 00:59:51
