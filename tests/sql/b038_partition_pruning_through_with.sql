-- A filter on the partitioning column written around a WITH prunes the
-- partitions of the table the WITH reads.  trips_small_blocks (as in b025)
-- is partitioned by DATE(tpep_dropoff_datetime) and clustered by vendorid
-- in blocks of 100; 2021-01-01's partition holds 500 rows in 5 blocks.
-- The query uses the dropoff time and fare_amount there (8 bytes each),
-- not vendorid: 500 x 16 = 8000, 1 partition of 9.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_small_blocks PARTITION BY DATE(tpep_dropoff_datetime) CLUSTER BY vendorid OPTIONS (block_rows = 100) AS SELECT vendorid, tpep_dropoff_datetime, fare_amount FROM taxi_data.staging_taxi_trips
WITH t AS (SELECT * FROM taxi_data.trips_small_blocks)
SELECT COUNT(*), ROUND(SUM(fare_amount), 2) FROM t
WHERE DATE(tpep_dropoff_datetime) = '2021-01-01';
-- sqlite: SELECT COUNT(*), ROUND(SUM(fare_amount), 2) FROM staging_taxi_trips WHERE tpep_dropoff_datetime >= '2021-01-01' AND tpep_dropoff_datetime < '2021-01-02';
-- bytes: processed=8000 estimate=8000 billed=10485760 partitions=1/9 blocks=5/21
-- expect:
-- 500	6223.18
