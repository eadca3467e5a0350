-- TIMESTAMP_SUB and DATETIME_ADD on rows: ninety minutes back, a month on
-- (a DATETIME keeps its time of day across the month).
SELECT TIMESTAMP_SUB(tpep_pickup_datetime, INTERVAL 90 MINUTE) AS back,
       DATETIME_ADD(DATETIME(tpep_pickup_datetime), INTERVAL 1 MONTH) AS on_
FROM taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, tpep_dropoff_datetime LIMIT 5;
-- sqlite: SELECT datetime(tpep_pickup_datetime, '-90 minutes'), datetime(tpep_pickup_datetime, '+1 month') FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, tpep_dropoff_datetime LIMIT 5
-- expect:
-- 2018-11-28 14:22:25	2018-12-28 15:52:25
-- 2018-11-28 14:26:57	2018-12-28 15:56:57
-- 2018-11-28 14:55:49	2018-12-28 16:25:49
-- 2018-11-28 14:59:37	2018-12-28 16:29:37
-- 2018-12-21 12:18:30	2019-01-21 13:48:30
