-- GENERATE_ARRAY's integers, down with a negative step, past none with 0 rows.
SELECT (SELECT SUM(i) FROM UNNEST(GENERATE_ARRAY(10, 1, -3)) AS i),
       (SELECT COUNT(*) FROM UNNEST(GENERATE_ARRAY(1, 1000)) AS i),
       (SELECT COUNT(*) FROM UNNEST(GENERATE_ARRAY(5, 1)) AS i);
-- sqlite: SELECT 22, 1000, 0;
-- expect:
-- 22	1000	0
