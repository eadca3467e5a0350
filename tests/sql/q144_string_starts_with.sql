SELECT COUNT(*) FROM crypto.coins WHERE STARTS_WITH(id, 'b');
-- sqlite: SELECT COUNT(*) FROM coins WHERE id LIKE 'b%'
-- expect:
-- 21
