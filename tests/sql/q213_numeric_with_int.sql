SELECT NUMERIC '3.5' + 1, 2 * NUMERIC '0.25', NUMERIC '1.5' > 1;
-- sqlite: SELECT 4.5, 0.5, 1
-- expect:
-- 4.5	0.5	1
