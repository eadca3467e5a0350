SELECT COUNT(*) FROM (SELECT * FROM (SELECT * FROM your_project_id.taxi_data.staging_taxi_trips WHERE vendorid = 2) WHERE payment_type = 1) WHERE passenger_count = 1;
-- expect:
-- 399
