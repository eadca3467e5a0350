SELECT vendorid + passenger_count, vendorid - 10, vendorid * passenger_count FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, vendorid, passenger_count LIMIT 3;
-- expect:
-- 7	-8	10
-- 7	-8	10
-- 7	-8	10
