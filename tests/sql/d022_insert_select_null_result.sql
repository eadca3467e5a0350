-- d019 and d020 changed nothing; d021 added 6 and 7.
SELECT id, name, born FROM crypto.pets WHERE id > 4 ORDER BY id;
-- nosqlite
-- expect:
-- 5	Bo	NULL
-- 6	NULL	NULL
-- 7	Kit	2023-03-03
