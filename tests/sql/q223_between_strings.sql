SELECT COUNT(*) FROM crypto.coins WHERE symbol BETWEEN 'a' AND 'c';
-- expect:
-- 35
