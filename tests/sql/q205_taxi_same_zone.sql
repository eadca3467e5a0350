SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE pulocationid = dolocationid;
-- expect:
-- 99
