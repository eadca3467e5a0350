-- A subquery over UNNEST of the row's array: an aggregate of its elements,
-- WITH OFFSET in its WHERE, and ARRAY(SELECT ... FROM UNNEST(...) ORDER BY)
-- remaking it; correlated, run per distinct array.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, (SELECT SUM(x) FROM UNNEST(top) AS x) AS s,
       (SELECT MAX(x) FROM UNNEST(t.top) x WITH OFFSET o WHERE o > 0) AS m,
       ARRAY_TO_STRING(ARRAY(SELECT CAST(x * 2 AS STRING) FROM UNNEST(top) AS x ORDER BY x), ' ') AS doubled
FROM (SELECT vendorid, ARRAY_AGG(fare_amount ORDER BY trip_distance DESC, fare_amount LIMIT 3) AS top
      FROM taxi_data.trips64 GROUP BY vendorid) t
ORDER BY 1;
-- sqlite: SELECT vendorid, SUM(fare_amount), MAX(CASE WHEN rn > 1 THEN fare_amount END), (SELECT group_concat(printf('%g', f * 2), ' ') FROM (SELECT fare_amount AS f FROM (SELECT fare_amount, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY trip_distance DESC, fare_amount) AS r, vendorid AS v FROM staging_taxi_trips) WHERE v = q.vendorid AND r <= 3 ORDER BY fare_amount)) FROM (SELECT vendorid, fare_amount, ROW_NUMBER() OVER (PARTITION BY vendorid ORDER BY trip_distance DESC, fare_amount) AS rn FROM staging_taxi_trips) q WHERE rn <= 3 GROUP BY vendorid ORDER BY 1;
-- expect:
-- 1	196.8	72.3	109 140 144.6
-- 2	229.0	82.5	120 165 173
