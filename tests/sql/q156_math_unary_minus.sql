SELECT -vendorid, -fare_amount FROM your_project_id.taxi_data.staging_taxi_trips ORDER BY tpep_pickup_datetime, fare_amount LIMIT 2;
-- expect:
-- -2	-3.5
-- -2	-52.0
