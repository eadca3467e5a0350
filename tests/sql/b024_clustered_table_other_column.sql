-- A filter on a column that is not a clustering column prunes no block,
-- even on a clustered table.  trips_by_vendor is clustered by vendorid in
-- blocks of 100: vendor 1's 603 rows, then vendor 2's 897, each in the
-- order they came, so the 2023 dropoffs fall in 7 blocks (pipe skips the
-- other 8).  The figure counts the 15 blocks: vendorid and
-- tpep_dropoff_datetime, 1500 x 16 = 24000.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_by_vendor CLUSTER BY vendorid OPTIONS (block_rows = 100) AS SELECT * FROM taxi_data.staging_taxi_trips
SELECT vendorid, COUNT(*) FROM taxi_data.trips_by_vendor
WHERE tpep_dropoff_datetime >= '2023-01-01'
GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT vendorid, COUNT(*) FROM staging_taxi_trips WHERE tpep_dropoff_datetime >= '2023-01-01' GROUP BY 1 ORDER BY 1;
-- bytes: processed=24000 estimate=24000 billed=10485760 partitions=1/1 blocks=15/15 pipe_read=7
-- expect:
-- 1	155
-- 2	344
