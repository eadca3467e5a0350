SELECT FORMAT_TIMESTAMP('%Y-%m-%d %H:%M', tpep_pickup_datetime) FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime LIMIT 3;
-- sqlite: SELECT strftime('%Y-%m-%d %H:%M', tpep_pickup_datetime) FROM staging_taxi_trips ORDER BY tpep_pickup_datetime LIMIT 3
-- expect:
-- 2018-11-28 15:52
-- 2018-11-28 15:56
-- 2018-11-28 16:25
