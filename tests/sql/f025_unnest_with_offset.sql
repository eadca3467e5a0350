-- WITH OFFSET: each element's place from 0, named offset or by its alias.
SELECT x, offset FROM UNNEST(['a', 'b', 'c']) AS x WITH OFFSET ORDER BY offset DESC;
-- sqlite: SELECT 'c', 2 UNION ALL SELECT 'b', 1 UNION ALL SELECT 'a', 0;
-- expect:
-- c	2
-- b	1
-- a	0
