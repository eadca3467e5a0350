SELECT COUNT(*), COUNT(DISTINCT id) FROM (SELECT id FROM crypto.coins WHERE market_cap_rank <= 100 UNION ALL SELECT id FROM crypto.coins WHERE market_cap_rank > 50);
-- expect:
-- 300	250
