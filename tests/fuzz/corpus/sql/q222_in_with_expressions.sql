SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE vendorid + 1 IN (payment_type, passenger_count);
-- expect:
-- 362
