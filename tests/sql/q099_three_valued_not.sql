SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE NOT (airport_fee > 0);
-- expect:
-- 478
