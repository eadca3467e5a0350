SELECT ROUND(AVG(tip_amount / NULLIF(fare_amount, 0)), 6) FROM your_project_id.taxi_data.staging_taxi_trips;
-- sqlite: SELECT ROUND(AVG(tip_amount / NULLIF(fare_amount, 0)), 6) FROM staging_taxi_trips
-- expect:
-- 0.179627
