SELECT a.vendorid, COUNT(*) FROM your_project_id.taxi_data.staging_taxi_trips a JOIN your_project_id.taxi_data.staging_taxi_trips b ON a.tpep_pickup_datetime = b.tpep_dropoff_datetime WHERE a.vendorid = b.vendorid GROUP BY 1 ORDER BY 1;
-- unordered
-- expect:
-- 1	41
-- 2	61
