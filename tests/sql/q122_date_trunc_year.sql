SELECT DATE_TRUNC(DATE(tpep_dropoff_datetime), YEAR) AS y, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY y ORDER BY y;
-- sqlite: SELECT date(tpep_dropoff_datetime, 'start of year') AS y, COUNT(*) FROM staging_taxi_trips GROUP BY y ORDER BY y
-- expect:
-- 2018-01-01	6
-- 2019-01-01	494
-- 2021-01-01	500
-- 2022-01-01	1
-- 2023-01-01	499
