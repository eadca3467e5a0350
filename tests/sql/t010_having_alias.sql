-- HAVING may name the select list's aliases: of an aggregate (n) and of a
-- grouped column (d).  Taxi trips by dropoff day.
SELECT DATE(tpep_dropoff_datetime) AS d, COUNT(*) AS n FROM taxi_data.staging_taxi_trips
GROUP BY d HAVING n > 100 AND d >= '2019-01-01' ORDER BY d;
-- sqlite: SELECT date(tpep_dropoff_datetime) AS d, COUNT(*) AS n FROM staging_taxi_trips GROUP BY d HAVING n > 100 AND d >= '2019-01-01' ORDER BY d;
-- expect:
-- 2019-01-01	493
-- 2021-01-01	500
-- 2023-01-01	498
