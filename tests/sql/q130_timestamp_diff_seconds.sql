SELECT TIMESTAMP_DIFF(tpep_dropoff_datetime, tpep_pickup_datetime, SECOND) AS secs FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, secs LIMIT 5;
-- sqlite: SELECT strftime('%s', tpep_dropoff_datetime) - strftime('%s', tpep_pickup_datetime) AS secs FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, secs LIMIT 5
-- expect:
-- 200
-- 96
-- 157
-- 246
-- 250
