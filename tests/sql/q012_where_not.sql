SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE NOT (vendorid = 1);
-- expect:
-- 897
