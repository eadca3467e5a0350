SELECT SUM(airport_fee), COUNT(airport_fee) FROM your_project_id.taxi_data.staging_taxi_trips WHERE vendorid = 1 AND tpep_dropoff_datetime < '2020-01-01';
-- expect:
-- NULL	0
