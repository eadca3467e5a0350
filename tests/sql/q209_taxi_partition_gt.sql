SELECT COUNT(*) FROM your_project_id.taxi_data.optimized_taxi_trips WHERE DATE(tpep_dropoff_datetime) > '2022-12-31';
-- sqlite: SELECT COUNT(*) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) > '2022-12-31'
-- expect:
-- 499
