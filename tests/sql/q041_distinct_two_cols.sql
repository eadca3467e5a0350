SELECT DISTINCT vendorid, payment_type FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY 1, 2;
-- expect:
-- 1	1
-- 1	2
-- 1	3
-- 1	4
-- 2	1
-- 2	2
-- 2	4
