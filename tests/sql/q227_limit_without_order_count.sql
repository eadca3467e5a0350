SELECT COUNT(*) FROM (SELECT vendorid FROM your_project_id.taxi_data.staging_taxi_trips LIMIT 7);
-- expect:
-- 7
