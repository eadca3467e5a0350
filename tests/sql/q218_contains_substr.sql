SELECT COUNT(*) FROM crypto.coins WHERE CONTAINS_SUBSTR(name, 'COIN');
-- sqlite: SELECT COUNT(*) FROM coins WHERE lower(name) LIKE '%coin%'
-- expect:
-- 24
