SELECT payment_type FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY payment_type ORDER BY COUNT(*) DESC;
-- expect:
-- 1
-- 2
-- 3
-- 4
