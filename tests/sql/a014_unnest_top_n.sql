-- The top-N idiom: ARRAY_AGG(... ORDER BY ... LIMIT 3) per group, then a
-- comma join with UNNEST of that column, a row per element, in the
-- array's order (ORDER BY sorts only the groups here), on 24 blocks.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, v
FROM (SELECT vendorid, ARRAY_AGG(fare_amount ORDER BY trip_distance DESC, fare_amount LIMIT 3) AS top
      FROM taxi_data.trips64 GROUP BY vendorid), UNNEST(top) AS v
ORDER BY vendorid;
-- sqlite: SELECT vendorid, fare_amount FROM (SELECT vendorid, fare_amount, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY trip_distance DESC, fare_amount) AS rn FROM staging_taxi_trips) WHERE rn <= 3 ORDER BY vendorid, rn;
-- expect:
-- 1	70
-- 1	54.5
-- 1	72.3
-- 2	86.5
-- 2	82.5
-- 2	60
