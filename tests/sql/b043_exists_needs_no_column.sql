-- EXISTS asks whether its subquery returns a row, not what the row holds:
-- SELECT * inside it counts only the columns its WHERE reads.  The
-- subquery reads fare_amount of trips_blocks (1500 x 8 = 12000), not the
-- other 18 columns; the outer query reads symbol of coins (STRING: 250 x
-- 2 + 975 = 1475).
--   12000 + 1475 = 13475; billed 2 x 10485760 = 20971520
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(symbol) FROM crypto.coins
WHERE EXISTS (SELECT * FROM taxi_data.trips_blocks WHERE fare_amount > 80);
-- sqlite: SELECT COUNT(symbol) FROM coins WHERE EXISTS (SELECT * FROM staging_taxi_trips WHERE fare_amount > 80);
-- bytes: processed=13475 estimate=13475 billed=20971520 partitions=2/2 blocks=16/16
-- expect:
-- 250
