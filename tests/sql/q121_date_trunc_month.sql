SELECT DATE_TRUNC(DATE(tpep_dropoff_datetime), MONTH) AS m, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY m ORDER BY m;
-- sqlite: SELECT date(tpep_dropoff_datetime, 'start of month') AS m, COUNT(*) FROM staging_taxi_trips GROUP BY m ORDER BY m
-- expect:
-- 2018-11-01	4
-- 2018-12-01	2
-- 2019-01-01	494
-- 2021-01-01	500
-- 2022-12-01	1
-- 2023-01-01	499
