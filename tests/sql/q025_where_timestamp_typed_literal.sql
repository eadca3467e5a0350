SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE tpep_dropoff_datetime > TIMESTAMP '2022-12-31 23:59:59';
-- sqlite: SELECT COUNT(*) FROM staging_taxi_trips WHERE tpep_dropoff_datetime > '2022-12-31 23:59:59'
-- expect:
-- 499
