SELECT vendorid, tpep_pickup_datetime, fare_amount FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, fare_amount, vendorid LIMIT 5;
-- expect:
-- 2	2018-11-28 15:52:25	3.5
-- 2	2018-11-28 15:56:57	52.0
-- 2	2018-11-28 16:25:49	3.5
-- 2	2018-11-28 16:29:37	52.0
-- 2	2018-12-21 13:48:30	4.5
