-- A comma join whose WHERE holds each kind of conjunct: filters on one
-- table (below the joins), equalities between two (hash keys), a
-- condition over two that is no equality (a residual), and a constant.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_blocks OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(t.passenger_count), COUNT(DISTINCT c.symbol), MIN(d.market_cap_rank), MAX(t.trip_distance)
FROM taxi_data.trips_blocks t, crypto.coins c, crypto.coins d
WHERE t.pulocationid = c.market_cap_rank AND c.market_cap_rank + 1 = d.market_cap_rank
  AND t.trip_distance * 10 > d.market_cap_rank AND t.passenger_count >= 1 AND 1 = 1
  AND d.symbol <> 'xyz';
-- sqlite: SELECT COUNT(*), SUM(t.passenger_count), COUNT(DISTINCT c.symbol), MIN(d.market_cap_rank), MAX(t.trip_distance) FROM staging_taxi_trips t, coins c, coins d WHERE t.pulocationid = c.market_cap_rank AND c.market_cap_rank + 1 = d.market_cap_rank AND t.trip_distance * 10 > d.market_cap_rank AND t.passenger_count >= 1 AND 1 = 1 AND d.symbol <> 'xyz';
-- expect:
-- 73	110	21	5	33.18
