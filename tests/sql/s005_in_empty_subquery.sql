SELECT 1 IN (SELECT 1 FROM crypto.coins WHERE FALSE), NULL IN (SELECT 1 FROM crypto.coins WHERE FALSE), 1 NOT IN (SELECT 1 FROM crypto.coins WHERE FALSE),
NULL IN (SELECT 1 FROM crypto.coins), 2 NOT IN (SELECT NULL FROM crypto.coins);
-- sqlite: SELECT 0, 0, 1, NULL, NULL
-- expect:
-- 0	0	1	NULL	NULL
