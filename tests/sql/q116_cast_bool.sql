SELECT CAST(1 AS BOOL), CAST('true' AS BOOL), CAST(FALSE AS INT64);
-- sqlite: SELECT 1, 1, 0
-- expect:
-- 1	1	0
