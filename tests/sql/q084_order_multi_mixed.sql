SELECT vendorid, payment_type, fare_amount FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY vendorid DESC, payment_type, fare_amount DESC, tpep_pickup_datetime LIMIT 6;
-- expect:
-- 2	1	86.5
-- 2	1	82.8
-- 2	1	70.0
-- 2	1	61.8
-- 2	1	60.0
-- 2	1	58.3
