SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE fare_amount = 0;
-- expect:
-- 1
