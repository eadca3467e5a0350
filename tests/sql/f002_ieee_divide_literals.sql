-- IEEE_DIVIDE's special values, and NULL in, NULL out.
SELECT IEEE_DIVIDE(1, 0), IEEE_DIVIDE(-1, 0), IS_NAN(IEEE_DIVIDE(0, 0)), IS_INF(NULL), IEEE_DIVIDE(7, 2), IS_NAN(1);
-- nosqlite
-- expect:
-- inf	-inf	1	NULL	3.5	0
