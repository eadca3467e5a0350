SELECT SUM(market_cap), SUM(fully_diluted_valuation) FROM crypto.coins WHERE market_cap_rank <= 100;
-- expect:
-- 3168394579125	3468728251789
