-- INSERT ... SELECT NULL: the NULL takes its column's type (STRING), in
-- every arm of a UNION ALL.
INSERT INTO crypto.pets (id, name, born) SELECT 6, NULL, NULL UNION ALL SELECT 7, 'Kit', '2023-03-03';
-- nosqlite
-- expect:
