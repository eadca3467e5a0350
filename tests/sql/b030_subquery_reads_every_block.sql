-- A subquery's table counts like any other: its referenced columns in all
-- of its blocks (BigQuery prunes no block of an unclustered table), however
-- many of them pipe skips for the subquery's filter.
--   trips_blocks: pulocationid and tpep_dropoff_datetime, 1500 x 16 = 24000
--   coins: symbol 1475, market_cap_rank 2000: 3475
--   24000 + 3475 = 27475; billed 2 x 10485760 = 20971520.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), MIN(symbol) FROM crypto.coins
WHERE market_cap_rank IN (SELECT pulocationid FROM taxi_data.trips_blocks WHERE tpep_dropoff_datetime >= '2023-01-01');
-- sqlite: SELECT COUNT(*), MIN(symbol) FROM coins WHERE market_cap_rank IN (SELECT pulocationid FROM staging_taxi_trips WHERE tpep_dropoff_datetime >= '2023-01-01');
-- bytes: processed=27475 estimate=27475 billed=20971520 partitions=2/2 blocks=16/16 pipe_read=6
-- expect:
-- 53	apt
