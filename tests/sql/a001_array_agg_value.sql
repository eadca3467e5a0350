-- ARRAY_AGG without an element taken is an ARRAY value: the top-N idiom,
-- each vendor's three longest trips' fares (ties by the fare), on a table
-- of 24 blocks; ARRAY_LENGTH counts a group's values.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, ARRAY_LENGTH(ARRAY_AGG(fare_amount)) AS n,
       ARRAY_AGG(fare_amount ORDER BY trip_distance DESC, fare_amount LIMIT 3) AS top
FROM taxi_data.trips64 GROUP BY vendorid ORDER BY vendorid;
-- sqlite: SELECT vendorid, MAX(c), '[' || group_concat(printf('%g', fare_amount), ', ') || ']' FROM (SELECT vendorid, fare_amount, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY trip_distance DESC, fare_amount) AS rn, COUNT(*) OVER (PARTITION BY vendorid) AS c FROM staging_taxi_trips ORDER BY vendorid, rn) WHERE rn <= 3 GROUP BY vendorid ORDER BY vendorid;
-- expect:
-- 1	603	[70, 54.5, 72.3]
-- 2	897	[86.5, 82.5, 60]
