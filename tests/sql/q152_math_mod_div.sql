SELECT MOD(pulocationid, 7), DIV(pulocationid, 7) FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, pulocationid LIMIT 4;
-- sqlite: SELECT pulocationid % 7, pulocationid / 7 FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, pulocationid LIMIT 4
-- expect:
-- 4	27
-- 4	27
-- 4	27
-- 4	27
