-- arr[OFFSET(i)], arr[i] (from 0), arr[ORDINAL(i)] (from 1) and
-- arr[SAFE_OFFSET(i)] (NULL past the end) of an array column, the index
-- an expression.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, top[OFFSET(0)], top[1], top[ORDINAL(vendorid + 1)], top[SAFE_OFFSET(3)], top[SAFE_ORDINAL(0)]
FROM (SELECT vendorid, ARRAY_AGG(fare_amount ORDER BY trip_distance DESC, fare_amount LIMIT 3) AS top
      FROM taxi_data.trips64 GROUP BY vendorid)
ORDER BY vendorid;
-- sqlite: SELECT vendorid, MAX(CASE WHEN rn = 1 THEN fare_amount END), MAX(CASE WHEN rn = 2 THEN fare_amount END), MAX(CASE WHEN rn = vendorid + 1 THEN fare_amount END), NULL, NULL FROM (SELECT vendorid, fare_amount, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY trip_distance DESC, fare_amount) AS rn FROM staging_taxi_trips) GROUP BY vendorid ORDER BY vendorid;
-- expect:
-- 1	70	54.5	54.5	NULL	NULL
-- 2	86.5	82.5	60	NULL	NULL
