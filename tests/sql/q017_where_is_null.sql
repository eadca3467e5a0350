SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE airport_fee IS NULL;
-- expect:
-- 1000
