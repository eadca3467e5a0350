SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips HAVING COUNT(*) > 1000;
-- expect:
-- 1500
