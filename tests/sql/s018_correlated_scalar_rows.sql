-- A correlated scalar subquery of no rows is NULL: the coin whose rank is
-- the trip's pickup location, for locations past the 250 ranks (or without
-- a coin of that rank).  Nested two deep, the inner one names the
-- outermost query's column.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_twice OPTIONS (block_rows = 200) AS SELECT vendorid, passenger_count, pulocationid, dolocationid, payment_type, fare_amount FROM taxi_data.staging_taxi_trips UNION ALL SELECT vendorid, passenger_count, pulocationid, dolocationid, payment_type, fare_amount FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), COUNT(sym), MIN(sym), MAX(sym), SUM(n) FROM (
  SELECT (SELECT c.symbol FROM crypto.coins c WHERE c.market_cap_rank = t.pulocationid) AS sym,
         (SELECT COUNT(*) FROM crypto.coins c WHERE c.market_cap_rank < 5
            AND EXISTS (SELECT 1 FROM crypto.coins d WHERE d.market_cap_rank = c.market_cap_rank + t.vendorid)) AS n
  FROM taxi_data.trips_twice t);
-- sqlite: WITH trips_twice AS (SELECT * FROM staging_taxi_trips UNION ALL SELECT * FROM staging_taxi_trips) SELECT COUNT(*), COUNT(sym), MIN(sym), MAX(sym), SUM(n) FROM (SELECT (SELECT c.symbol FROM coins c WHERE c.market_cap_rank = t.pulocationid) AS sym, (SELECT COUNT(*) FROM coins c WHERE c.market_cap_rank < 5 AND EXISTS (SELECT 1 FROM coins d WHERE d.market_cap_rank = c.market_cap_rank + t.vendorid)) AS n FROM trips_twice t);
-- expect:
-- 3000	2778	aioz	zro	12000
