-- A correlated scalar subquery with an inequality, run per outer row: 3,000
-- outer rows (the taxi trips twice, in 15 blocks of 200) and 1,113 distinct
-- (fare_amount, pulocationid) pairs, so 1,113 runs of the subquery over
-- the 15 blocks, each pair's count computed once and reused.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_twice OPTIONS (block_rows = 200) AS SELECT vendorid, passenger_count, pulocationid, dolocationid, payment_type, fare_amount FROM taxi_data.staging_taxi_trips UNION ALL SELECT vendorid, passenger_count, pulocationid, dolocationid, payment_type, fare_amount FROM taxi_data.staging_taxi_trips
SELECT COUNT(*), SUM(c), MAX(c), COUNTIF(c = 0) FROM (
  SELECT (SELECT COUNT(*) FROM taxi_data.trips_twice x
          WHERE x.fare_amount < t.fare_amount AND x.pulocationid = t.pulocationid) AS c
  FROM taxi_data.trips_twice t);
-- sqlite: WITH trips_twice AS (SELECT * FROM staging_taxi_trips UNION ALL SELECT * FROM staging_taxi_trips) SELECT COUNT(*), SUM(c), MAX(c), SUM(c = 0) FROM (SELECT (SELECT COUNT(*) FROM trips_twice x WHERE x.fare_amount < t.fare_amount AND x.pulocationid = t.pulocationid) AS c FROM trips_twice t);
-- expect:
-- 3000	108008	122	204
