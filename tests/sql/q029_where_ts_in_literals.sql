SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE tpep_pickup_datetime IN ('2019-01-01 00:46:40', '2021-01-01 00:30:10');
-- expect:
-- 2
