SELECT SUM(market_cap) FROM (SELECT market_cap FROM crypto.coins ORDER BY market_cap_rank LIMIT 10);
-- expect:
-- 2835100344463
