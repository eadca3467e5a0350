-- INT64 compares over 24 blocks, on a column with NULLs: a NULL row's
-- stored delta is 0, the delta of the column's least value 0 here, and
-- must not pass; a range that starts below every value and one that ends
-- above every value.
-- setup: CREATE OR REPLACE TABLE taxi_data.pcnull64 OPTIONS (block_rows = 64) AS SELECT vendorid, tpep_dropoff_datetime, IF(MOD(pulocationid, 3) = 0, NULL, passenger_count - 1) AS pc FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), COUNTIF(pc = 0), COUNTIF(vendorid = 2)
FROM taxi_data.pcnull64 WHERE pc BETWEEN -3 AND 0 AND vendorid >= 2;
-- sqlite: SELECT COUNT(*), SUM(pc = 0), SUM(vendorid = 2) FROM (SELECT vendorid, tpep_dropoff_datetime, CASE WHEN pulocationid % 3 = 0 THEN NULL ELSE passenger_count - 1 END AS pc FROM staging_taxi_trips) WHERE pc BETWEEN -3 AND 0 AND vendorid >= 2;
-- expect:
-- 404	404	404
