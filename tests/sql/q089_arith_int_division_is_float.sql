SELECT pulocationid / 4 FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, pulocationid LIMIT 3;
-- sqlite: SELECT pulocationid * 1.0 / 4 FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, pulocationid LIMIT 3
-- expect:
-- 48.25
-- 48.25
-- 48.25
