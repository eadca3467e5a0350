SELECT COUNT(*) FROM (SELECT id FROM crypto.coins EXCEPT DISTINCT SELECT id FROM crypto.coins WHERE market_cap_rank > 3);
-- sqlite: SELECT COUNT(*) FROM (SELECT id FROM coins EXCEPT SELECT id FROM coins WHERE market_cap_rank > 3)
-- expect:
-- 3
