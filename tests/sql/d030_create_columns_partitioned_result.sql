-- d029's table: the filter on day reads 1 of the 3 partitions (2 of its
-- 4 blocks), and require_partition_filter holds.
SELECT day, vendor, SUM(fare), COUNT(*) FROM taxi_data.fares WHERE day = '2024-01-01' GROUP BY 1, 2 ORDER BY 1, 2;
-- nosqlite
-- bytes: partitions=1/3 blocks=2/4
-- expect:
-- 2024-01-01	1	17.75	2
-- 2024-01-01	2	3	1
