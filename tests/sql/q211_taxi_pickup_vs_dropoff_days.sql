SELECT COUNT(*) FROM your_project_id.taxi_data.optimized_taxi_trips WHERE tpep_dropoff_datetime < '2019-01-01' AND tpep_pickup_datetime < '2018-12-01';
-- expect:
-- 4
