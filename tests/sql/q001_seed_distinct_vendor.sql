SELECT DISTINCT VendorID
FROM your_project_id.taxi_data.optimized_taxi_trips
WHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15'
ORDER BY 1;
-- expect:
-- 1
-- 2
