SELECT COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips WHERE DATE(tpep_pickup_datetime) < DATE(tpep_dropoff_datetime);
-- sqlite: SELECT COUNT(*) FROM staging_taxi_trips WHERE date(tpep_pickup_datetime) < date(tpep_dropoff_datetime)
-- expect:
-- 5
