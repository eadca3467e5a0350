-- The queries of taxi_report (pipelines/taxi.pipe).  Each starts with a
-- "-- name:" line; the comment lines below it are its line in the report.

-- name: staging
-- The seed's query on the table as loaded: nothing to prune, so both columns are read for every trip.
SELECT DISTINCT VendorID
FROM your_project_id.taxi_data.staging_taxi_trips
WHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15';

-- name: optimized
-- The same query on the seed's table: only the day partitions inside the window are read.
SELECT DISTINCT VendorID
FROM your_project_id.taxi_data.optimized_taxi_trips
WHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15';

-- name: pre_aggregated
-- Bonus: a table of one row per day and vendor, partitioned by day, answers it from a handful of rows (it counts the whole of 15 January, the timestamp window stops at its midnight: the same vendors here).
SELECT DISTINCT VendorID
FROM your_project_id.taxi_data.taxi_vendor_days
WHERE dropoff_date BETWEEN '2019-01-01' AND '2019-01-15';

-- name: trips_per_day
-- How the trips fall into the optimized table's day partitions: a query over a window of dates reads only the days inside it.
SELECT DATE(tpep_dropoff_datetime) AS dropoff_day, COUNT(*) AS trips
FROM your_project_id.taxi_data.optimized_taxi_trips
GROUP BY 1
ORDER BY 1;
