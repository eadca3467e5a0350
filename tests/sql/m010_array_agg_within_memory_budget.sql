-- The same ARRAY_AGG within a budget four times as large.
-- memory: 64K
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, ARRAY_LENGTH(ARRAY_AGG(tpep_pickup_datetime ORDER BY fare_amount)) FROM taxi_data.trips64 GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT vendorid, COUNT(*) FROM staging_taxi_trips GROUP BY 1 ORDER BY 1;
-- expect:
-- 1	603
-- 2	897
