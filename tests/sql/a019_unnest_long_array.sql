-- UNNEST of one array of 100,000 elements, made by GENERATE_ARRAY of a
-- value: the rows come out in batches of 2,048, in order.
SELECT COUNT(*), SUM(x), MIN(x), MAX(x), SUM(IF(x = pos + 1, 0, 1))
FROM UNNEST(GENERATE_ARRAY(1, 100000 + 0 * LENGTH('a'))) AS x WITH OFFSET AS pos;
-- sqlite: SELECT 100000, 5000050000, 1, 100000, 0;
-- expect:
-- 100000	5000050000	1	100000	0
