-- The copy has the staging rows, in 9 day partitions.
SELECT COUNT(*), ROUND(SUM(total_amount), 2), COUNT(DISTINCT DATE(tpep_dropoff_datetime))
FROM taxi_data.optimized_copy;
-- sqlite: SELECT COUNT(*), ROUND(SUM(total_amount), 2), COUNT(DISTINCT date(tpep_dropoff_datetime)) FROM staging_taxi_trips;
-- bytes: partitions=9/9
-- expect:
-- 1500	29588.36	9
