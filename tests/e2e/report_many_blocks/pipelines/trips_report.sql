-- name: staging
-- The seed's query on the table as loaded: a filter on an unclustered table prunes nothing.
SELECT DISTINCT VendorID
FROM your_project_id.taxi_data.staging_taxi_trips
WHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15';

-- name: optimized
-- The same query on the optimized table: only the day partitions inside the window.
SELECT DISTINCT VendorID
FROM your_project_id.taxi_data.optimized_taxi_trips
WHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15';

-- name: vendor_2
-- One vendor's trips in the window: the filter on the clustering column also prunes blocks.
SELECT COUNT(*) AS trips
FROM your_project_id.taxi_data.optimized_taxi_trips
WHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15' AND VendorID = 2;
