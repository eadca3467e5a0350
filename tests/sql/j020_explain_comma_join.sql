-- pipe query --explain on a comma join: hash keys from the WHERE's
-- equalities, the one-table conditions filtering their scans below the
-- joins (with the partitions and blocks their pruning keeps), the
-- smallest table held.  A comma join run as a cross product shows a join
-- with no hash keys and the WHERE as one filter above it.
-- explain
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT c.symbol, COUNT(*) FROM taxi_data.trips_blocks t, crypto.coins c, crypto.coins d
WHERE t.pulocationid = c.market_cap_rank AND d.market_cap_rank = c.market_cap_rank + 1
  AND t.tpep_dropoff_datetime >= '2023-01-01' AND d.current_price > 1 AND t.fare_amount > d.current_price
GROUP BY 1;
-- expect:
-- project symbol, f0_
--   aggregate: 1 key, 1 aggregate
--     join inner (estimated 751 rows; holds its second input, estimated 250 rows): hash keys t.pulocationid = c.market_cap_rank; residual t.fare_amount > d.current_price
--       filter (estimated 751 rows) t.tpep_dropoff_datetime >= '2023-01-01 00:00:00+00'
--         scan taxi_data.trips_blocks AS t (1500 rows): partitions 1/1, blocks 5/15; columns tpep_dropoff_datetime, pulocationid, fare_amount; pruned by tpep_dropoff_datetime >= '2023-01-01 00:00:00+00'
--       join inner (estimated 250 rows; holds its second input, estimated 126 rows): hash keys (c.market_cap_rank + 1) = d.market_cap_rank
--         scan crypto.coins AS c (250 rows): partitions 1/1, blocks 1/1; columns symbol, market_cap_rank
--         filter (estimated 126 rows) d.current_price > 1
--           scan crypto.coins AS d (250 rows): partitions 1/1, blocks 1/1; columns current_price, market_cap_rank; pruned by current_price > 1
