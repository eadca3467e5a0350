SELECT COUNT(*), COUNT(DISTINCT trip_distance) FROM taxi_data.staging_taxi_trips WHERE trip_distance IN (SELECT passenger_count FROM taxi_data.staging_taxi_trips);
-- expect:
-- 77	7
