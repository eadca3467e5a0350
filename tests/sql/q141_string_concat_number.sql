SELECT CONCAT(symbol, '#', market_cap_rank) FROM crypto.coins ORDER BY market_cap_rank LIMIT 2;
-- sqlite: SELECT symbol || '#' || market_cap_rank FROM coins ORDER BY market_cap_rank LIMIT 2
-- expect:
-- btc#1
-- eth#2
