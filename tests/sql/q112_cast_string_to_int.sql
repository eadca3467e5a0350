SELECT CAST('42' AS INT64) + 1, CAST('2.5' AS FLOAT64) * 2;
-- expect:
-- 43	5.0
