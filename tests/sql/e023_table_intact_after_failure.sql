SELECT COUNT(*), COUNT(DISTINCT id), MAX(market_cap_rank) FROM crypto.coins
-- expect:
-- 250	250	250
