SELECT ROUND(2.5), ROUND(-2.5), ROUND(1.25, 1), ROUND(-0.5);
-- expect:
-- 3.0	-3.0	1.3	-1.0
