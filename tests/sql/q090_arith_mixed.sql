SELECT ROUND(fare_amount + vendorid * 0.5, 4) FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, fare_amount LIMIT 3;
-- expect:
-- 4.5
-- 53.0
-- 4.5
