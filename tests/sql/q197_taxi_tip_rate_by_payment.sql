SELECT payment_type, ROUND(SUM(tip_amount) / SUM(fare_amount), 6) FROM your_project_id.taxi_data.staging_taxi_trips WHERE fare_amount > 0 GROUP BY 1 ORDER BY 1;
-- expect:
-- 1	0.243631
-- 2	0.0
-- 3	0.0
-- 4	0.0
