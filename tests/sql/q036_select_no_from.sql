SELECT 1 + 2 AS three, 'x' || 'y' AS xy, 7 / 2 AS half, -5 AS neg;
-- sqlite: SELECT 3, 'xy', 3.5, -5
-- expect:
-- 3	xy	3.5	-5
