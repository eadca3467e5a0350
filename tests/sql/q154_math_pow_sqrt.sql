SELECT POW(2, 10), SQRT(16), POWER(9, 0.5);
-- expect:
-- 1024.0	4.0	3.0
