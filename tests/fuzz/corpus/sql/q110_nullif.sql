SELECT COUNT(NULLIF(payment_type, 1)) FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 519
