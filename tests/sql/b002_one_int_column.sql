-- vendorid is INT64, 8 bytes a value, never NULL in the 1,500 rows:
-- 1500 x 8 = 12000 bytes.  Billed: the 10 MiB per-table minimum,
-- 10 x 1048576 = 10485760.  One block of 1,500 rows (2,048 a block).
SELECT MAX(vendorid) FROM taxi_data.staging_taxi_trips;
-- bytes: processed=12000 estimate=12000 billed=10485760 partitions=1/1 blocks=1/1
-- expect:
-- 2
