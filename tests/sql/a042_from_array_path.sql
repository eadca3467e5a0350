-- FROM t, t.arr is FROM t, UNNEST(t.arr) AS arr, as in BigQuery: a path
-- whose first name is an item on its left, in a comma join, CROSS JOIN
-- or LEFT JOIN ... ON TRUE; each vendor's three longest trips' fares
-- (a001's) as rows, on a table of 24 blocks.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
WITH v AS (SELECT vendorid, ARRAY_AGG(fare_amount ORDER BY trip_distance DESC, fare_amount LIMIT 3) AS top
           FROM taxi_data.trips64 GROUP BY vendorid)
SELECT v.vendorid, f, (SELECT COUNT(*) FROM v AS t CROSS JOIN t.top),
       (SELECT COUNT(*) FROM v AS t LEFT JOIN t.top AS x ON TRUE WHERE x > 60)
FROM v, v.top AS f ORDER BY v.vendorid, f;
-- nosqlite
-- expect:
-- 1	54.5	6	4
-- 1	70	6	4
-- 1	72.3	6	4
-- 2	60	6	4
-- 2	82.5	6	4
-- 2	86.5	6	4
