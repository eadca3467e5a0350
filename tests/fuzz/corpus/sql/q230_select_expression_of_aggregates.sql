SELECT ROUND(SUM(tip_amount) / COUNT(*), 6), MAX(trip_distance) > 50 FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 2.25844	0
