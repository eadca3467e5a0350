SELECT EXTRACT(YEAR FROM tpep_pickup_datetime), COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY EXTRACT(YEAR FROM tpep_pickup_datetime) ORDER BY 1;
-- sqlite: SELECT CAST(strftime('%Y', tpep_pickup_datetime) AS INTEGER) y, COUNT(*) FROM staging_taxi_trips GROUP BY y ORDER BY 1
-- expect:
-- 2018	8
-- 2019	492
-- 2020	1
-- 2021	499
-- 2022	1
-- 2023	499
