SELECT SUM(CAST(fare_amount AS NUMERIC)), MIN(CAST(tip_amount AS NUMERIC)) FROM your_project_id.taxi_data.staging_taxi_trips WHERE vendorid = 1 AND tpep_dropoff_datetime < '2019-01-01 01:00:00';
-- sqlite: SELECT SUM(fare_amount), MIN(tip_amount) FROM staging_taxi_trips WHERE vendorid = 1 AND tpep_dropoff_datetime < '2019-01-01 01:00:00'
-- expect:
-- 2091.5	0.0
