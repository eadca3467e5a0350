-- The WHERE runs before the window, so partition pruning still holds: the
-- seed's window keeps the day partitions 20190101 (493 rows) and 20190102
-- (1 row) of the 9.  The query reads vendorid, fare_amount (the window's
-- keys) and tpep_dropoff_datetime (the WHERE), 8 bytes each, no NULLs:
--   (493 + 1) x 24 = 11856
SELECT vendorid, COUNT(*) FROM (
  SELECT vendorid, RANK() OVER (PARTITION BY vendorid ORDER BY fare_amount DESC) AS r
  FROM taxi_data.optimized_taxi_trips
  WHERE tpep_dropoff_datetime BETWEEN '2019-01-01' AND '2019-01-15')
WHERE r = 1 GROUP BY vendorid ORDER BY vendorid;
-- bytes: processed=11856 estimate=11856 billed=10485760 partitions=2/9 blocks=2/9
-- expect:
-- 1	3
-- 2	1
