SELECT EXTRACT(HOUR FROM tpep_pickup_datetime) AS h, COUNT(*) AS n FROM your_project_id.taxi_data.staging_taxi_trips GROUP BY h ORDER BY n DESC, h LIMIT 3;
-- sqlite: SELECT CAST(strftime('%H', tpep_pickup_datetime) AS INTEGER) AS h, COUNT(*) AS n FROM staging_taxi_trips GROUP BY h ORDER BY n DESC, h LIMIT 3
-- expect:
-- 0	1488
-- 23	4
-- 1	2
