SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE (payment_type = 1 OR payment_type = 2) AND passenger_count > 2;
-- expect:
-- 180
