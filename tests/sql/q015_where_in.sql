SELECT payment_type, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE payment_type IN (2, 3, 4) GROUP BY payment_type ORDER BY 1;
-- expect:
-- 2	488
-- 3	17
-- 4	14
