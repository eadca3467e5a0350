-- UNNEST of an array written out: a row per element, named by the alias;
-- the elements take their common type (INT64 and FLOAT64: FLOAT64).
SELECT x * 2 AS y FROM UNNEST([1, NULL, 2.5, -4]) AS x ORDER BY y;
-- sqlite: SELECT x * 2 AS y FROM (SELECT 1 AS x UNION ALL SELECT NULL UNION ALL SELECT 2.5 UNION ALL SELECT -4) ORDER BY y;
-- expect:
-- NULL
-- -8
-- 2
-- 5
