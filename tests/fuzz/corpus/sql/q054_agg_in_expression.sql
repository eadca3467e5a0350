SELECT MAX(fare_amount) - MIN(fare_amount) AS spread, COUNT(*) * 2 AS twice FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 111.9	3000
