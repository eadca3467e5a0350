-- The rows d017 inserted: 5 rows in 3 blocks of 2.
SELECT * FROM crypto.pets ORDER BY id;
-- nosqlite
-- bytes: blocks=3/3
-- expect:
-- 1	Rex	2019-03-01	12.5	1
-- 2	NULL	NULL	9999999.999999999	NULL
-- 3	Tom	2020-01-02	NULL	2.5
-- 4	Ann	2021-12-31	-0.000000001	-3
-- 5	Bo	NULL	7	16
