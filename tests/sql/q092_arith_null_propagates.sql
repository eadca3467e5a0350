SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE airport_fee + 1 IS NULL;
-- expect:
-- 1000
