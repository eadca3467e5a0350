SELECT COUNT(*) FROM Crypto.COINS AS C WHERE c.Market_Cap_Rank <= 3;
-- sqlite: SELECT COUNT(*) FROM coins WHERE market_cap_rank <= 3
-- expect:
-- 3
