-- UNION ALL of arrays takes them as they are.
SELECT ARRAY_LENGTH(a) FROM (SELECT [1] AS a UNION ALL SELECT [2, 3] UNION ALL SELECT []) ORDER BY 1;
-- sqlite: SELECT 0 UNION ALL SELECT 1 UNION ALL SELECT 2;
-- expect:
-- 0
-- 1
-- 2
