-- DATE(ts) = '2021-01-01' prunes to partition 20210101 (500 rows) of 9.
-- Columns: tpep_dropoff_datetime and total_amount, 500 x 16 = 8000 bytes.
SELECT ROUND(SUM(total_amount), 2) FROM taxi_data.optimized_taxi_trips
WHERE DATE(tpep_dropoff_datetime) = '2021-01-01';
-- sqlite: SELECT ROUND(SUM(total_amount), 2) FROM optimized_taxi_trips WHERE date(tpep_dropoff_datetime) = '2021-01-01';
-- bytes: processed=8000 estimate=8000 partitions=1/9
-- expect:
-- 8950.9
