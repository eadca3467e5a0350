SELECT COUNT(*) FROM (SELECT DISTINCT * FROM your_project_id.taxi_data.staging_taxi_trips);
-- expect:
-- 1500
