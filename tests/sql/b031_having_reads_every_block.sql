-- An aggregate with HAVING reads its columns in every block the rules
-- keep: here all 15 of trips_blocks, though only 7 hold a fare above 60
-- (pipe skips the 8 whose max fare_amount is 60 or less).
--   vendorid and fare_amount, 1500 x 16 = 24000.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, COUNT(*) FROM taxi_data.trips_blocks
WHERE fare_amount > 60
GROUP BY vendorid HAVING COUNT(*) > 4
ORDER BY 1;
-- sqlite: SELECT vendorid, COUNT(*) FROM staging_taxi_trips WHERE fare_amount > 60 GROUP BY vendorid HAVING COUNT(*) > 4 ORDER BY 1;
-- bytes: processed=24000 estimate=24000 billed=10485760 partitions=1/1 blocks=15/15 pipe_read=7
-- expect:
-- 2	8
