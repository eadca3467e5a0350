-- A join reads the columns either side references, in every block of an
-- unclustered table whatever the WHERE: the 2023 filter on trips_blocks
-- lets pipe skip 10 of its 15 blocks, not the figure.
--   trips_blocks: pulocationid and tpep_dropoff_datetime, 1500 x 16 = 24000
--   coins: symbol (250 x 2 + 975 characters = 1475), market_cap_rank
--   (250 x 8 = 2000): 3475
--   24000 + 3475 = 27475; billed 2 tables x 10485760 = 20971520.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), COUNT(DISTINCT b.symbol) FROM taxi_data.trips_blocks a JOIN crypto.coins b ON a.pulocationid = b.market_cap_rank
WHERE a.tpep_dropoff_datetime >= '2023-01-01';
-- sqlite: SELECT COUNT(*), COUNT(DISTINCT b.symbol) FROM staging_taxi_trips a JOIN coins b ON a.pulocationid = b.market_cap_rank WHERE a.tpep_dropoff_datetime >= '2023-01-01';
-- bytes: processed=27475 estimate=27475 billed=20971520 partitions=2/2 blocks=16/16 pipe_read=6
-- expect:
-- 463	53
