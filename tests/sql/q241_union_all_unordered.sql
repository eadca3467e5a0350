SELECT vendorid, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1 UNION ALL SELECT payment_type, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1;
-- unordered
-- expect:
-- 1	603
-- 2	897
-- 1	981
-- 2	488
-- 3	17
-- 4	14
