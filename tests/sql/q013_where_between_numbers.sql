SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE trip_distance BETWEEN 1 AND 2.5;
-- expect:
-- 612
