-- After d024 failed: still d023's table, with its four columns.
SELECT COUNT(*), COUNT(note) FROM crypto.ranked;
-- nosqlite
-- expect:
-- 250	0
