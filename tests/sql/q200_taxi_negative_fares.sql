SELECT tpep_pickup_datetime, fare_amount, total_amount FROM your_project_id.taxi_data.staging_taxi_trips WHERE total_amount < 0 ORDER BY tpep_pickup_datetime, fare_amount;
-- expect:
-- 2023-01-01 00:20:18	-9.3	-14.3
-- 2023-01-01 00:28:29	-5.1	-10.1
-- 2023-01-01 00:52:22	-25.4	-30.4
