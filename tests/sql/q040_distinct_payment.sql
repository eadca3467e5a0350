SELECT DISTINCT payment_type FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY payment_type;
-- expect:
-- 1
-- 2
-- 3
-- 4
