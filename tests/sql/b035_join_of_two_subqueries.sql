-- A join of two subqueries counts, of each, the columns the join and the
-- query around it use: the trips' vendorid (1500 x 8 = 12000) and the
-- coins' market_cap_rank (250 x 8 = 2000), not the fare_amount,
-- tip_amount, symbol and total_volume the subqueries also select.
--   12000 + 2000 = 14000; billed 2 x 10485760 = 20971520
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*) FROM
  (SELECT vendorid, fare_amount, tip_amount FROM taxi_data.trips_blocks) AS t
  JOIN (SELECT market_cap_rank, symbol, total_volume FROM crypto.coins) AS c
  ON t.vendorid = c.market_cap_rank;
-- sqlite: SELECT COUNT(*) FROM staging_taxi_trips t JOIN coins c ON t.vendorid = c.market_cap_rank;
-- bytes: processed=14000 estimate=14000 billed=20971520 partitions=2/2 blocks=16/16
-- expect:
-- 1500
