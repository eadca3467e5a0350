-- PARSE_TIMESTAMP of what FORMAT_TIMESTAMP wrote gives the time back, and
-- PARSE_DATE of a compact date its day, on the sample trips.
SELECT PARSE_TIMESTAMP('%d/%m/%Y %H:%M:%S', FORMAT_TIMESTAMP('%d/%m/%Y %H:%M:%S', tpep_pickup_datetime)) AS t,
       PARSE_DATE('%Y%m%d', FORMAT_DATE('%Y%m%d', DATE(tpep_pickup_datetime))) AS d
FROM taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, tpep_dropoff_datetime LIMIT 4;
-- sqlite: SELECT tpep_pickup_datetime, date(tpep_pickup_datetime) FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, tpep_dropoff_datetime LIMIT 4
-- expect:
-- 2018-11-28 15:52:25	2018-11-28
-- 2018-11-28 15:56:57	2018-11-28
-- 2018-11-28 16:25:49	2018-11-28
-- 2018-11-28 16:29:37	2018-11-28
