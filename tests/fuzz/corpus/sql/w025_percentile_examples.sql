-- BigQuery's reference example: NULL left out, the median of 0..3 is 1.5
-- (PERCENTILE_DISC: 1), the ends are the least and the greatest; each row
-- of a partition gets the same; a partition of NULLs only gets NULL;
-- PERCENTILE_DISC of strings in their order.
SELECT x, PERCENTILE_CONT(x, 0.5) OVER (), PERCENTILE_CONT(x, 0) OVER (), PERCENTILE_CONT(x, 1) OVER (),
       PERCENTILE_CONT(x, 0.25) OVER (), PERCENTILE_DISC(x, 0.5) OVER (), PERCENTILE_DISC(x, 0) OVER (),
       PERCENTILE_CONT(IF(x > 5, x, NULL), 0.5) OVER (), PERCENTILE_DISC(CAST(x * 5 AS STRING), 0.6) OVER ()
FROM UNNEST([0, 3, NULL, 1, 2]) AS x ORDER BY x;
-- nosqlite
-- expect:
-- NULL	1.5	0	3	0.75	1	0	NULL	15
-- 0	1.5	0	3	0.75	1	0	NULL	15
-- 1	1.5	0	3	0.75	1	0	NULL	15
-- 2	1.5	0	3	0.75	1	0	NULL	15
-- 3	1.5	0	3	0.75	1	0	NULL	15
