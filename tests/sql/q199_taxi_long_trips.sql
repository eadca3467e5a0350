SELECT vendorid, trip_distance, total_amount FROM your_project_id.taxi_data.staging_taxi_trips WHERE trip_distance > 15 ORDER BY trip_distance DESC, total_amount LIMIT 5;
-- expect:
-- 2	33.18	96.67
-- 2	31.57	83.8
-- 2	22.59	68.3
-- 2	21.42	70.27
-- 1	21.0	81.8
