-- A correlated UNNEST of an array per row over 24 blocks, 2,333 rows out:
-- each trip's passengers numbered 1..passenger_count, and their offsets.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(x), SUM(pos), COUNT(DISTINCT tpep_pickup_datetime)
FROM taxi_data.trips64, UNNEST(GENERATE_ARRAY(1, passenger_count)) AS x WITH OFFSET pos;
-- sqlite: SELECT SUM(passenger_count), SUM(passenger_count * (passenger_count + 1) / 2), SUM(passenger_count * (passenger_count - 1) / 2), COUNT(DISTINCT tpep_pickup_datetime) FROM staging_taxi_trips WHERE passenger_count >= 1;
-- expect:
-- 2333	3734	1401	1370
