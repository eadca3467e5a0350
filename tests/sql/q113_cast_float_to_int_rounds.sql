SELECT CAST(2.5 AS INT64), CAST(-2.5 AS INT64), CAST(1.4 AS INT64);
-- sqlite: SELECT 3, -3, 1
-- expect:
-- 3	-3	1
