SELECT SAFE_DIVIDE(tip_amount, fare_amount) IS NULL AS undefined, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT fare_amount = 0 AS undefined, COUNT(*) FROM staging_taxi_trips GROUP BY 1 ORDER BY 1
-- expect:
-- 0	1499
-- 1	1
