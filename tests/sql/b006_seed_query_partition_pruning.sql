-- The seed's query on the optimized table: the window keeps the day
-- partitions 20190101 (493 rows) and 20190102 (1 row) of the 9; it reads
-- vendorid (INT64) and tpep_dropoff_datetime (TIMESTAMP), 8 + 8 bytes a row:
-- (493 + 1) x 16 = 7904 bytes, estimate and actual alike (one block each).
SELECT DISTINCT VendorID FROM your_project_id.taxi_data.optimized_taxi_trips
WHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15'
ORDER BY 1;
-- bytes: processed=7904 estimate=7904 billed=10485760 partitions=2/9 blocks=2/9
-- expect:
-- 1
-- 2
