SELECT DISTINCT VendorID FROM your_project_id.taxi_data.staging_taxi_trips
WHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15';
-- unordered
-- expect:
-- 1
-- 2
