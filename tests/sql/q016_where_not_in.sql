SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE pulocationid NOT IN (132, 138, 161, 162);
-- expect:
-- 1356
