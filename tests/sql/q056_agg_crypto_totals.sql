SELECT COUNT(*), SUM(market_cap), COUNT(max_supply) FROM crypto.coins;
-- expect:
-- 250	3238926440876	133
