SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE congestion_surcharge IS NOT NULL;
-- expect:
-- 1000
