SELECT LENGTH(name) AS l, COUNT(*) FROM crypto.coins GROUP BY l ORDER BY l LIMIT 5;
-- expect:
-- 2	1
-- 3	9
-- 4	35
-- 5	23
-- 6	24
