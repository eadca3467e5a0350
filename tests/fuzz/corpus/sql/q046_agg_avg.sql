SELECT ROUND(AVG(trip_distance), 6), ROUND(AVG(passenger_count), 6) FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 3.062693	1.555333
