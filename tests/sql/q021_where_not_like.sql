SELECT COUNT(*) FROM crypto.coins WHERE name NOT LIKE '%a%';
-- expect:
-- 138
