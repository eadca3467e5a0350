SELECT DATETIME(tpep_pickup_datetime) FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime LIMIT 2;
-- sqlite: SELECT tpep_pickup_datetime FROM staging_taxi_trips ORDER BY tpep_pickup_datetime LIMIT 2
-- expect:
-- 2018-11-28 15:52:25
-- 2018-11-28 15:56:57
