SELECT COUNT(*) FROM (SELECT DISTINCT pulocationid, dolocationid FROM your_project_id.taxi_data.staging_taxi_trips);
-- expect:
-- 989
