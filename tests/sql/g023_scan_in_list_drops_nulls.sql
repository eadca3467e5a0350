-- An IN list alone on an INT64 column with NULLs, beside a range on the
-- dropoff time, over 24 blocks: the IN column is read as the range of
-- every value (its NULL rows out), then checked value by value.
-- setup: CREATE OR REPLACE TABLE taxi_data.pcnull64 OPTIONS (block_rows = 64) AS SELECT vendorid, tpep_dropoff_datetime, IF(MOD(pulocationid, 3) = 0, NULL, passenger_count - 1) AS pc FROM taxi_data.staging_taxi_trips
SELECT pc, COUNT(*)
FROM taxi_data.pcnull64 WHERE pc IN (0, 1, 4) AND tpep_dropoff_datetime < '2021-01-01 00:30:00'
GROUP BY pc ORDER BY pc;
-- sqlite: SELECT pc, COUNT(*) FROM (SELECT vendorid, tpep_dropoff_datetime, CASE WHEN pulocationid % 3 = 0 THEN NULL ELSE passenger_count - 1 END AS pc FROM staging_taxi_trips) WHERE pc IN (0, 1, 4) AND tpep_dropoff_datetime < '2021-01-01 00:30:00' GROUP BY pc ORDER BY pc;
-- expect:
-- 0	282
-- 1	86
-- 4	17
