SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE trip_distance NOT BETWEEN 1 AND 10;
-- expect:
-- 387
