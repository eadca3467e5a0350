-- Every block of partition 20210101 has its dropoff times inside the
-- window, so the WHERE holds for all its rows and pipe reads neither the
-- dropoff column nor (where a block holds one vendor) vendorid: the block
-- statistics answer.  The bytes are BigQuery's all the same: the query
-- references vendorid and tpep_dropoff_datetime, 500 rows x (8 + 8) = 8000,
-- in the 5 blocks (of 100 rows) of the 1 partition (of 9) it scans.
-- setup: CREATE OR REPLACE TABLE taxi_data.trips_small_blocks PARTITION BY DATE(tpep_dropoff_datetime) CLUSTER BY vendorid OPTIONS (block_rows = 100) AS SELECT vendorid, tpep_dropoff_datetime, fare_amount FROM taxi_data.staging_taxi_trips
SELECT vendorid, COUNT(*) FROM taxi_data.trips_small_blocks
WHERE tpep_dropoff_datetime BETWEEN '2021-01-01' AND '2021-01-02'
GROUP BY 1 ORDER BY 1;
-- sqlite: SELECT vendorid, COUNT(*) FROM staging_taxi_trips WHERE tpep_dropoff_datetime BETWEEN '2021-01-01' AND '2021-01-02' GROUP BY 1 ORDER BY 1;
-- bytes: processed=8000 estimate=8000 partitions=1/9 blocks=5/21
-- expect:
-- 1	165
-- 2	335
