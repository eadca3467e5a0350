SELECT SUBSTR(symbol, 1, 1) AS l, COUNT(DISTINCT name) FROM crypto.coins GROUP BY l ORDER BY l LIMIT 5;
-- expect:
-- 1	1
-- a	18
-- b	17
-- c	15
-- d	9
