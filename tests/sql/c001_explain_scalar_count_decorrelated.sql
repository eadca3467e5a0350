-- A scalar COUNT correlated by an equality is decorrelated: one GROUP BY of
-- the inner table by its key, run once (on 24 blocks), each outer row's
-- group looked up, where the correlated form runs the inner query once per
-- distinct outer value.  Run correlated, the plan says "run once per
-- distinct t1.payment_type" over the inner query as written.
-- explain
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, (SELECT COUNT(*) FROM taxi_data.trips64 t2 WHERE t2.payment_type = t1.payment_type AND t2.fare_amount > 50) AS n
FROM taxi_data.trips64 t1;
-- expect:
-- project vendorid, n
--   scan taxi_data.trips64 AS t1 (1500 rows): partitions 1/1, blocks 24/24; columns vendorid, payment_type
-- subquery 1 (correlated by equalities on t1.payment_type, decorrelated: grouped once by its keys, each row's group looked up; a value no group has gets the answer over no rows):
--   project payment_type, f0_
--     aggregate: 1 key, 1 aggregate
--       filter (estimated 751 rows) t2.fare_amount > 50
--         scan taxi_data.trips64 AS t2 (1500 rows): partitions 1/1, blocks 18/24; columns payment_type, fare_amount; pruned by fare_amount > 50
