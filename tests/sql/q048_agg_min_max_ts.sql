SELECT MIN(tpep_pickup_datetime), MAX(tpep_dropoff_datetime) FROM your_project_id.taxi_data.staging_taxi_trips;
-- expect:
-- 2018-11-28 15:52:25	2023-01-02 00:17:13
