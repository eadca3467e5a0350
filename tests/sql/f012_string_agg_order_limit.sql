-- STRING_AGG with ORDER BY a column it does not show, DESC, and LIMIT:
-- each day's three longest trips' fares (ties broken by the fare).
-- setup: CREATE OR REPLACE TABLE taxi_data.trips64 OPTIONS (block_rows = 64) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT DATE(tpep_pickup_datetime) AS d,
       STRING_AGG(CAST(fare_amount AS STRING), ' ' ORDER BY trip_distance DESC, fare_amount LIMIT 3)
FROM taxi_data.trips64 WHERE tpep_pickup_datetime >= '2019-01-01' GROUP BY d HAVING COUNT(*) > 100 ORDER BY d;
-- sqlite: SELECT d, group_concat(f, ' ') FROM (SELECT date(tpep_pickup_datetime) AS d, printf('%g', fare_amount) AS f, ROW_NUMBER() OVER (PARTITION BY date(tpep_pickup_datetime) ORDER BY trip_distance DESC, fare_amount) AS rn, COUNT(*) OVER (PARTITION BY date(tpep_pickup_datetime)) AS n FROM staging_taxi_trips WHERE tpep_pickup_datetime >= '2019-01-01' ORDER BY d, rn) WHERE rn <= 3 AND n > 100 GROUP BY d ORDER BY d;
-- expect:
-- 2019-01-01	82.5 52 52
-- 2021-01-01	86.5 55 54.5
-- 2023-01-01	70 70 72.3
