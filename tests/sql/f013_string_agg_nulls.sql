-- STRING_AGG skips NULLs, joins with "," by default, and is NULL over no
-- value.
SELECT STRING_AGG(x), STRING_AGG(x, ' | ' ORDER BY x DESC), COUNT(*)
FROM (SELECT 'b' AS x UNION ALL SELECT 'a' UNION ALL SELECT NULL UNION ALL SELECT 'c');
-- nosqlite
-- expect:
-- b,a,c	c | b | a	4
