SELECT COALESCE(max_supply, market_cap_rank) FROM crypto.coins ORDER BY market_cap_rank LIMIT 3;
-- expect:
-- 21000000.0
-- 2
-- 3
