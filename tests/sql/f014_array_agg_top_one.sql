-- The top-N idiom: ARRAY_AGG(x ORDER BY y DESC LIMIT 1)[OFFSET(0)], each
-- vendor's longest trip's fare (ties by the fare, lowest first).
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, ARRAY_AGG(fare_amount ORDER BY trip_distance DESC, fare_amount LIMIT 1)[OFFSET(0)],
       ARRAY_AGG(fare_amount ORDER BY trip_distance DESC, fare_amount)[ORDINAL(2)]
FROM taxi_data.trips64 GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, MAX(CASE WHEN rn = 1 THEN fare_amount END), MAX(CASE WHEN rn = 2 THEN fare_amount END) FROM (SELECT vendorid, fare_amount, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY trip_distance DESC, fare_amount) AS rn FROM staging_taxi_trips) GROUP BY vendorid ORDER BY vendorid;
-- expect:
-- 1	70	54.5
-- 2	86.5	82.5
