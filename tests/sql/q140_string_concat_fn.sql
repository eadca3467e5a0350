SELECT CONCAT(symbol, ':', name) FROM crypto.coins ORDER BY market_cap_rank LIMIT 3;
-- sqlite: SELECT symbol || ':' || name FROM coins ORDER BY market_cap_rank LIMIT 3
-- expect:
-- btc:Bitcoin
-- eth:Ethereum
-- usdt:Tether
