SELECT 1 IN (2, NULL), 2 IN (2, NULL), 1 NOT IN (2, NULL);
-- sqlite: SELECT NULL, 1, NULL
-- expect:
-- NULL	1	NULL
