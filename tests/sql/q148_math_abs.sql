SELECT ABS(fare_amount) FROM your_project_id.taxi_data.staging_taxi_trips WHERE fare_amount < 0 ORDER BY 1;
-- expect:
-- 5.1
-- 9.3
-- 25.4
