SELECT COUNT(*) FROM (SELECT DISTINCT vendorid FROM your_project_id.taxi_data.staging_taxi_trips) a, (SELECT DISTINCT payment_type FROM your_project_id.taxi_data.staging_taxi_trips) b;
-- expect:
-- 8
