SELECT tpep_pickup_datetime, total_amount FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime DESC, total_amount DESC LIMIT 4 OFFSET 3;
-- expect:
-- 2023-01-01 00:59:52	29.7
-- 2023-01-01 00:59:51	15.73
-- 2023-01-01 00:59:48	15.48
-- 2023-01-01 00:59:34	33.9
