SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE tpep_pickup_datetime < '2019-01-01 00:30:00';
-- expect:
-- 218
