-- The same query on the unpartitioned staging table reads both columns in
-- every row: 1500 x 16 = 24000 bytes, three times the optimized table's 7904.
SELECT DISTINCT VendorID FROM your_project_id.taxi_data.staging_taxi_trips
WHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15'
ORDER BY 1;
-- bytes: processed=24000 estimate=24000 billed=10485760 partitions=1/1 blocks=1/1
-- expect:
-- 1
-- 2
