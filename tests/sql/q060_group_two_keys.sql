SELECT vendorid, payment_type, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY vendorid, payment_type ORDER BY 1, 2;
-- expect:
-- 1	1	399
-- 1	2	179
-- 1	3	17
-- 1	4	8
-- 2	1	582
-- 2	2	309
-- 2	4	6
