SELECT SUM(DISTINCT payment_type), AVG(DISTINCT vendorid) FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 10	1.5
