SELECT COUNT(*), ROUND(SUM(total_amount), 2), COUNT(DISTINCT tpep_pickup_datetime) FROM your_project_id.taxi_data.optimized_taxi_trips;
-- expect:
-- 1500	29588.36	1385
