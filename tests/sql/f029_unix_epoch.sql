-- UNIX_SECONDS and TIMESTAMP_SECONDS both ways; UNIX_DATE in days.
SELECT UNIX_SECONDS(tpep_pickup_datetime) AS s, TIMESTAMP_SECONDS(UNIX_SECONDS(tpep_pickup_datetime) + 3600) AS t,
       UNIX_DATE(DATE(tpep_pickup_datetime)) AS d
FROM taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, tpep_dropoff_datetime LIMIT 5;
-- sqlite: SELECT CAST(strftime('%s', tpep_pickup_datetime) AS INTEGER), datetime(strftime('%s', tpep_pickup_datetime) + 3600, 'unixepoch'), CAST(julianday(date(tpep_pickup_datetime)) - julianday('1970-01-01') AS INTEGER) FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, tpep_dropoff_datetime LIMIT 5
-- expect:
-- 1543420345	2018-11-28 16:52:25	17863
-- 1543420617	2018-11-28 16:56:57	17863
-- 1543422349	2018-11-28 17:25:49	17863
-- 1543422577	2018-11-28 17:29:37	17863
-- 1545400110	2018-12-21 14:48:30	17886
