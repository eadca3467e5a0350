SELECT ROUND(SUM(IF(passenger_count = 0, 0, total_amount / passenger_count)), 4) FROM your_project_id.taxi_data.staging_taxi_trips;
-- sqlite: SELECT ROUND(SUM(CASE WHEN passenger_count = 0 THEN 0 ELSE total_amount / passenger_count END), 4) FROM staging_taxi_trips
-- expect:
-- 23263.1765
