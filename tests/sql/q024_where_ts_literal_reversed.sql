SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE '2023-01-01 01:00:00' <= tpep_dropoff_datetime;
-- expect:
-- 127
