SELECT COUNT(*) FROM crypto.coins WHERE name LIKE 'bit%';
-- expect:
-- 0
