SELECT payment_type, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1 ORDER BY 2 DESC, 1;
-- expect:
-- 1	981
-- 2	488
-- 3	17
-- 4	14
