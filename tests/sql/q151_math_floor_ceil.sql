SELECT FLOOR(trip_distance), CEIL(trip_distance) FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, trip_distance LIMIT 4;
-- expect:
-- 0.0	0.0
-- 0.0	0.0
-- 0.0	0.0
-- 0.0	0.0
