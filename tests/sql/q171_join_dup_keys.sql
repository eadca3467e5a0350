SELECT a.payment_type, COUNT(*) FROM (SELECT payment_type FROM your_project_id.taxi_data.staging_taxi_trips WHERE vendorid = 1) a JOIN (SELECT payment_type FROM your_project_id.taxi_data.staging_taxi_trips WHERE vendorid = 2) b ON a.payment_type = b.payment_type GROUP BY 1 ORDER BY 1;
-- expect:
-- 1	232218
-- 2	55311
-- 4	48
