SELECT EXTRACT(YEAR FROM tpep_pickup_datetime), EXTRACT(MONTH FROM tpep_pickup_datetime), EXTRACT(DAY FROM tpep_pickup_datetime), EXTRACT(HOUR FROM tpep_pickup_datetime), EXTRACT(MINUTE FROM tpep_pickup_datetime) FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime LIMIT 3;
-- sqlite: SELECT CAST(strftime('%Y', tpep_pickup_datetime) AS INTEGER), CAST(strftime('%m', tpep_pickup_datetime) AS INTEGER), CAST(strftime('%d', tpep_pickup_datetime) AS INTEGER), CAST(strftime('%H', tpep_pickup_datetime) AS INTEGER), CAST(strftime('%M', tpep_pickup_datetime) AS INTEGER) FROM staging_taxi_trips ORDER BY tpep_pickup_datetime LIMIT 3
-- expect:
-- 2018	11	28	15	52
-- 2018	11	28	15	56
-- 2018	11	28	16	25
