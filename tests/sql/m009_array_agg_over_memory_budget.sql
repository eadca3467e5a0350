-- ARRAY_AGG (and STRING_AGG) keep every value of a group until the input
-- ends: past the budget, an error naming them.
-- memory: 16K
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, ARRAY_LENGTH(ARRAY_AGG(tpep_pickup_datetime ORDER BY fare_amount)) FROM taxi_data.trips64 GROUP BY 1;
-- error: STRING_AGG, ARRAY_AGG or APPROX_QUANTILES (the values it keeps) needs more memory than the query's budget of 16K
