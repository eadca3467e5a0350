-- Block pruning changes the actual figure, not the estimate.  The table is
-- clustered by vendorid with 100-row blocks.  Partition 20190101 holds 493
-- rows: 283 of vendor 1 then 210 of vendor 2, so blocks [0,100) [100,200)
-- hold only vendor 1, [200,300) both, [300,400) and [400,493) vendor 2.
-- vendorid = 2 reads 3 blocks: 100 + 100 + 93 = 293 rows.  Columns
-- vendorid, tpep_dropoff_datetime, fare_amount: 24 bytes a row.
--   actual   293 x 24 = 7032
--   estimate 493 x 24 = 11832 (the whole partition)
-- Blocks in the table: 1+1+1+5+1+5+1+5+1 = 21 (the 9 partitions'
-- 4, 1, 1, 493, 1, 500, 1, 498, 1 rows in blocks of 100).
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_small_blocks PARTITION BY DATE(tpep_dropoff_datetime) CLUSTER BY vendorid OPTIONS (block_rows = 100) AS SELECT vendorid, tpep_dropoff_datetime, fare_amount FROM taxi_data.staging_taxi_trips
SELECT ROUND(SUM(fare_amount), 2) FROM taxi_data.trips_small_blocks
WHERE DATE(tpep_dropoff_datetime) = '2019-01-01' AND vendorid = 2;
-- sqlite: SELECT ROUND(SUM(fare_amount), 2) FROM staging_taxi_trips WHERE date(tpep_dropoff_datetime) = '2019-01-01' AND vendorid = 2;
-- bytes: processed=7032 estimate=11832 billed=10485760 partitions=1/9 blocks=3/21
-- expect:
-- 2984.0
