-- A dry run reads nothing and reports the estimate (partition pruning
-- only): the 2023 partitions 20221231 (1), 20230101 (498), 20230102 (1) =
-- 500 rows of tpep_dropoff_datetime and airport_fee, which is set in all
-- 500 2023 rows: 500 x (8 + 8) = 8000 bytes.
SELECT SUM(airport_fee) FROM taxi_data.optimized_taxi_trips
WHERE tpep_dropoff_datetime >= '2022-06-01';
-- dry_run
-- nosqlite
-- bytes: processed=8000 estimate=8000 billed=10485760 partitions=3/9 blocks=0/9
-- expect:
