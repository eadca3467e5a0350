-- ORDER BY ... LIMIT reads its columns whole, and a filter on a column of
-- an unclustered table prunes no block: BigQuery prunes blocks only on
-- clustered tables.  The 2023 rows sit in the last 5 of the 15 blocks of
-- trips_blocks (pipe skips the other 10 by their min/max), the figure
-- counts all 15: vendorid, fare_amount and tpep_dropoff_datetime, 8 bytes
-- each, never NULL: 1500 x 24 = 36000.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, fare_amount FROM taxi_data.trips_blocks
WHERE tpep_dropoff_datetime >= '2023-01-01'
ORDER BY fare_amount DESC, vendorid LIMIT 3;
-- sqlite: SELECT vendorid, fare_amount FROM staging_taxi_trips WHERE tpep_dropoff_datetime >= '2023-01-01' ORDER BY fare_amount DESC, vendorid LIMIT 3;
-- bytes: processed=36000 estimate=36000 billed=10485760 partitions=1/1 blocks=15/15 pipe_read=5
-- expect:
-- 2	82.8
-- 1	72.3
-- 1	70.0
