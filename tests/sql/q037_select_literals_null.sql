SELECT NULL AS n, TRUE AS t, FALSE AS f;
-- sqlite: SELECT NULL, 1, 0
-- expect:
-- NULL	1	0
