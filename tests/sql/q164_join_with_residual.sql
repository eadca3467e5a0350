SELECT COUNT(*) FROM crypto.coins a JOIN crypto.coins b ON a.symbol = b.symbol AND a.market_cap_rank < b.market_cap_rank;
-- expect:
-- 15
