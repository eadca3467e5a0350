SELECT p.payment_type, COUNT(t.vendorid) FROM (SELECT DISTINCT payment_type FROM your_project_id.taxi_data.staging_taxi_trips) p LEFT JOIN (SELECT * FROM your_project_id.taxi_data.staging_taxi_trips WHERE vendorid = 1) t ON p.payment_type = t.payment_type GROUP BY 1 ORDER BY 1;
-- expect:
-- 1	399
-- 2	179
-- 3	17
-- 4	8
