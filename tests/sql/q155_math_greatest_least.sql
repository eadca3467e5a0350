SELECT GREATEST(tip_amount, tolls_amount, 1), LEAST(extra, mta_tax) FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, tip_amount LIMIT 3;
-- sqlite: SELECT max(tip_amount, tolls_amount, 1), min(extra, mta_tax) FROM staging_taxi_trips ORDER BY tpep_pickup_datetime, tip_amount LIMIT 3
-- expect:
-- 1	0.5
-- 1	0.0
-- 5.76	0.5
